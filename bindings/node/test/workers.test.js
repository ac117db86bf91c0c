// The addon loads in worker threads and gives every thread the same bytes, concurrently.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const { S3Presigner } = require('..')

const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const N = 2000

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { S3Presigner, PresignerError } = require(workerData.pkg)
const s3 = new S3Presigner({ region: 'eu-west-1', credentials: workerData.creds })
const urls = []
for (let i = 0; i < workerData.n; i++) urls.push(s3.presignGet('bucket', 'k/' + i, { now: 1700000000 + i, expiresIn: 600 }))
let code = null
try { s3.presignGet('Bad_Bucket', 'k') } catch (e) { code = e instanceof PresignerError ? e.code : String(e) }
parentPort.postMessage({ urls, code })
`

test(`4 worker threads x ${N} URLs equal the main thread's`, async () => {
  const s3 = new S3Presigner({ region: 'eu-west-1', credentials: CREDS })
  const expected = []
  for (let i = 0; i < N; i++) expected.push(s3.presignGet('bucket', 'k/' + i, { now: 1700000000 + i, expiresIn: 600 }))
  const pkg = path.resolve(__dirname, '..')
  const results = await Promise.all(
    Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
      const w = new Worker(WORKER, { eval: true, workerData: { pkg, creds: CREDS, n: N } })
      w.once('message', resolve)
      w.once('error', reject)
      w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)))
    })),
  )
  for (const r of results) {
    assert.equal(r.code, 'invalid_bucket')
    assert.equal(r.urls.length, N)
    assert.deepEqual(r.urls, expected)
  }
  assert.equal(new Set(expected).size, N)
})
