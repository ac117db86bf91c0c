#!/usr/bin/env node
// µs per presigned S3 GET URL: presigner vs @smithy/signature-v4 (node:crypto hash) vs
// @aws-sdk/s3-request-presigner getSignedUrl, same bucket/key/expiry/credentials.
// Not a test. `node bench/bench.js --smoke` runs a few iterations to prove it works.
'use strict'

const { S3Presigner } = require('..')
const { SignatureV4 } = require('@smithy/signature-v4')
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3')
const { getSignedUrl } = require('@aws-sdk/s3-request-presigner')
const { NodeSha256, encodeKey } = require('../test/helpers.js')

const smoke = process.argv.includes('--smoke')
const ROUNDS = smoke ? 1 : 5
const scale = smoke ? 0.002 : 1
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const region = 'eu-west-1'
const bucket = 'example-bucket'
const keys = Array.from({ length: 1000 }, (_, i) => `photos/2024/${i}/IMG ${i}.jpg`)

const presigner = new S3Presigner({ region, credentials })
const smithy = new SignatureV4({ service: 's3', region, credentials, sha256: NodeSha256, uriEscapePath: false, applyChecksum: false })
const client = new S3Client({ region, credentials })
const unsignable = new Set(['x-amz-content-sha256'])

async function measure(name, iterations, fn) {
  const times = []
  for (let r = 0; r < ROUNDS; r++) {
    const n = Math.max(5, Math.round(iterations * scale))
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await fn(i)
    times.push(Number(process.hrtime.bigint() - t0) / 1000 / n)
  }
  times.sort((a, b) => a - b)
  return { name, us: times[Math.floor(times.length / 2)] }
}

async function main() {
  const sync = (fn) => async (i) => fn(i) // keep the loop shape identical for all
  const results = []
  // Warm-up and checks: each produces a URL for the same object.
  const check = [
    presigner.presignGet(bucket, keys[0]),
    (await smithy.presign(
      { method: 'GET', protocol: 'https:', hostname: `${bucket}.s3.${region}.amazonaws.com`, path: '/' + encodeKey(keys[0]), query: {}, headers: { host: `${bucket}.s3.${region}.amazonaws.com`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { expiresIn: 3600, unhoistableHeaders: unsignable, unsignableHeaders: unsignable },
    )).path,
    await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: keys[0] }), { expiresIn: 3600 }),
  ]
  if (!check[0].includes('IMG%200.jpg') || !check[2].includes('X-Amz-Signature=')) throw new Error('bench setup broken')

  // presigner, one call per URL (synchronous).
  let sink = 0
  results.push(await measure('presigner presignGet', 200_000, sync((i) => (sink += presigner.presignGet(bucket, keys[i % 1000], { expiresIn: 3600 }).length))))
  // presigner, 1000 URLs per call.
  const batch = await measure('presigner presignMany (per URL)', 200, sync(() => (sink += presigner.presignMany('GET', bucket, keys, { expiresIn: 3600 }).length)))
  results.push({ name: batch.name, us: batch.us / keys.length })
  results.push(await measure('@smithy/signature-v4 presign', 20_000, async (i) => {
    const key = keys[i % 1000]
    const hostname = `${bucket}.s3.${region}.amazonaws.com`
    const r = await smithy.presign(
      { method: 'GET', protocol: 'https:', hostname, path: '/' + encodeKey(key), query: {}, headers: { host: hostname, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
      { expiresIn: 3600, unhoistableHeaders: unsignable, unsignableHeaders: unsignable },
    )
    sink += r.query['X-Amz-Signature'].length
  }))
  results.push(await measure('@aws-sdk getSignedUrl', 3_000, async (i) => {
    sink += (await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: keys[i % 1000] }), { expiresIn: 3600 })).length
  }))
  if (sink === 0) throw new Error('nothing measured')

  const base = results[0].us
  console.log(`presigner Node bench${smoke ? ' (smoke run: too few iterations to mean anything)' : ''}: µs per presigned GET URL, median of ${ROUNDS}`)
  console.log(`node ${process.version}, ${require('node:os').cpus()[0]?.model ?? 'unknown cpu'}`)
  for (const r of results) {
    console.log(`${r.name.padEnd(34)} ${r.us.toFixed(2).padStart(9)} µs   ${(r.us / base).toFixed(1).padStart(7)}× presignGet`)
  }
  const smithyUs = results[2].us
  console.log(`presignGet is ${(smithyUs / base).toFixed(1)}× faster than @smithy/signature-v4, ${(results[3].us / base).toFixed(0)}× faster than getSignedUrl`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
