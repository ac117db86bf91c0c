// End-to-end: URLs from the Node binding, sent with fetch (http.request where the Host header
// must be set, which fetch forbids) to a real SigV4-verifying S3 server. Started by
// tests/e2e/run.sh, which exports PRESIGNER_E2E_*. The tests run in order and share the bucket.
import test from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import http from 'node:http'
import { S3Presigner, verifyPresigned, PresignerError } from '../../bindings/node/index.mjs'

const env = process.env
const skip = env.PRESIGNER_E2E_ENDPOINT ? false : 'run through tests/e2e/run.sh (needs the local S3 server)'
const ENDPOINT = env.PRESIGNER_E2E_ENDPOINT
const PORT = Number(env.PRESIGNER_E2E_PORT)
const AK = env.PRESIGNER_E2E_ACCESS_KEY
const SK = env.PRESIGNER_E2E_SECRET_KEY
const REGION = env.PRESIGNER_E2E_REGION
const BUCKET = env.PRESIGNER_E2E_BUCKET
const KEY = 'e2e node/sp ace+plus=eq&amp~tilde!bang(paren)/ünï©ode/x.bin'
const PAYLOAD = crypto.randomBytes(4096)

const credentials = { accessKeyId: AK, secretAccessKey: SK }
const s3 = skip ? null : new S3Presigner({ region: REGION, credentials, endpointUrl: ENDPOINT, addressingStyle: 'path' })

const ok = (status) => status >= 200 && status < 300

async function send(method, url, body, headers = {}) {
  const r = await fetch(url, { method, body, headers })
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) }
}

const status = async (method, url, body, headers) => (await send(method, url, body, headers)).status
const tampered = (url) => url.slice(0, -1) + (url.endsWith('0') ? '1' : '0')

test('put with special characters', { skip }, async () => {
  assert.ok(ok(await status('PUT', s3.presign('PUT', BUCKET, KEY).url, PAYLOAD)))
})

test('get returns the same bytes', { skip }, async () => {
  const r = await send('GET', s3.presignGet(BUCKET, KEY))
  assert.ok(ok(r.status))
  assert.ok(r.body.equals(PAYLOAD))
})

test('head', { skip }, async () => {
  assert.ok(ok(await status('HEAD', s3.presign('HEAD', BUCKET, KEY).url)))
})

test('signed Content-Type and metadata', { skip }, async () => {
  const put = s3.presignPut(BUCKET, 'photo.png', { contentType: 'image/png', headers: { 'x-amz-meta-owner': 'alice' } })
  assert.deepEqual(put.headers, { 'Content-Type': 'image/png', 'x-amz-meta-owner': 'alice' })
  assert.equal(await status('PUT', put.url, PAYLOAD, { ...put.headers, 'Content-Type': 'image/jpeg' }), 403)
  assert.ok(ok(await status('PUT', put.url, PAYLOAD, put.headers)))
  const head = await send('HEAD', s3.presign('HEAD', BUCKET, 'photo.png').url)
  assert.ok(ok(head.status))
  assert.equal(head.headers.get('x-amz-meta-owner'), 'alice')
  assert.equal(head.headers.get('content-type'), 'image/png')
})

test('forgeries are rejected', { skip }, async () => {
  const url = s3.presignGet(BUCKET, KEY)
  assert.ok(ok(await status('GET', url)))
  assert.equal(await status('GET', tampered(url)), 403)
  assert.equal(await status('GET', url.replace('x.bin', 'y.bin')), 403)
  assert.ok(url.includes('X-Amz-Expires=3600'))
  assert.equal(await status('GET', url.replace('X-Amz-Expires=3600', 'X-Amz-Expires=7200')), 403)
  assert.equal(await status('PUT', url, PAYLOAD), 403)
  const wrong = new S3Presigner({ region: REGION, credentials: { accessKeyId: AK, secretAccessKey: 'not-the-secret' }, endpointUrl: ENDPOINT, addressingStyle: 'path' })
  assert.equal(await status('GET', wrong.presignGet(BUCKET, KEY)), 403)
})

test('expired and future-dated URLs are rejected', { skip }, async () => {
  const now = Math.floor(Date.now() / 1000)
  assert.equal(await status('GET', s3.presignGet(BUCKET, KEY, { now: now - 7200, expiresIn: 60 })), 403)
  assert.equal(await status('GET', s3.presignGet(BUCKET, KEY, { now: now + 7200 })), 403)
})

test('virtual-hosted style through the Host header', { skip }, async () => {
  const virtual = new S3Presigner({ region: REGION, credentials, endpointUrl: `http://localhost:${PORT}`, addressingStyle: 'virtual' })
  const url = new URL(virtual.presignGet(BUCKET, KEY))
  assert.equal(url.host, `${BUCKET}.localhost:${PORT}`)
  const r = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: PORT, method: 'GET', path: url.pathname + url.search, headers: { Host: url.host } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
  assert.ok(ok(r.status), r.body.toString())
  assert.ok(r.body.equals(PAYLOAD))
})

test('path style', { skip }, async () => {
  const url = s3.presignGet(BUCKET, KEY)
  assert.ok(url.startsWith(`${ENDPOINT}/${BUCKET}/`))
  const r = await send('GET', url)
  assert.ok(ok(r.status))
  assert.ok(r.body.equals(PAYLOAD))
})

test('presigned multipart upload', { skip }, async () => {
  const mkey = 'e2e node/multi part.bin'
  const parts = [crypto.randomBytes(5 * 1024 * 1024), crypto.randomBytes(1000)]
  const created = await send('POST', s3.presign('POST', BUCKET, mkey, { query: { uploads: '' } }).url)
  assert.ok(ok(created.status), created.body.toString())
  const uploadId = created.body.toString().match(/<UploadId>(.*?)<\/UploadId>/)[1]
  const etags = []
  for (const [i, part] of parts.entries()) {
    const url = s3.presign('PUT', BUCKET, mkey, { query: { partNumber: String(i + 1), uploadId } }).url
    const r = await send('PUT', url, part)
    assert.ok(ok(r.status))
    etags.push(r.headers.get('etag'))
  }
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`
  const done = await send('POST', s3.presign('POST', BUCKET, mkey, { query: { uploadId } }).url, xml)
  assert.ok(ok(done.status), done.body.toString())
  const r = await send('GET', s3.presignGet(BUCKET, mkey))
  assert.ok(ok(r.status))
  assert.ok(r.body.equals(Buffer.concat(parts)))
})

test('verify round-trip: accepted by verifyPresigned and the server, a forgery by neither', { skip }, async () => {
  const url = s3.presignGet(BUCKET, KEY, { expiresIn: 300 })
  const v = verifyPresigned('GET', url, { credentials: { [AK]: SK }, region: REGION, service: 's3' })
  assert.deepEqual([v.accessKeyId, v.region, v.service, v.signedHeaders], [AK, REGION, 's3', ['host']])
  assert.ok(ok(await status('GET', url)))
  for (const forged of [tampered(url), url.replace('x.bin', 'y.bin')]) {
    assert.throws(() => verifyPresigned('GET', forged, { credentials: { [AK]: SK } }), (e) => e instanceof PresignerError && e.code === 'signature_mismatch')
    assert.equal(await status('GET', forged), 403)
  }
})

test('delete', { skip }, async () => {
  assert.ok(ok(await status('DELETE', s3.presign('DELETE', BUCKET, KEY).url)))
  assert.equal(await status('GET', s3.presignGet(BUCKET, KEY)), 404)
})
