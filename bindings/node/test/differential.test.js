// Differential tests against @smithy/signature-v4 (the AWS SDK for JavaScript v3 signer):
// random requests, same inputs, same signature. Settings that make smithy comparable (see
// shared SIGV4 notes): for S3 uriEscapePath false, the path already encoded, and
// x-amz-content-sha256: UNSIGNED-PAYLOAD as unsignable + unhoistable; every x-amz-* header
// unhoistable (the core signs headers as headers).
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const fc = require('fast-check')
const { SignatureV4 } = require('@smithy/signature-v4')
const { S3Presigner, presignUrl, Credentials } = require('..')
const { NodeSha256, sigv4Encode, encodeKey } = require('./helpers.js')

const RUNS = Number(process.env.PRESIGNER_DIFF_RUNS || 1000) // per property; 2 properties
const SEED = process.env.PRESIGNER_DIFF_SEED ? Number(process.env.PRESIGNER_DIFF_SEED) : Date.now() ^ (Math.random() * 2 ** 31)

const CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'-_.~ !"#$%&\'()*+,:;<=>?@[\\]^`{|}/',
  'é', 'ß', '日', '本', '\u00a0', '😀', 'Ω', '\u0301',
]
const text = (min, max) => fc.array(fc.constantFrom(...CHARS), { minLength: min, maxLength: max }).map((a) => a.join(''))
const token = (min, max) =>
  fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), { minLength: min, maxLength: max }).map((a) => a.join(''))
const headerValue = fc
  .array(fc.constantFrom(...'abcdefghijXYZ0189 ,;=/:-_.'), { minLength: 1, maxLength: 30 })
  .map((a) => a.join(''))
  .filter((v) => v.trim().length > 0)

const creds = fc.record({
  accessKeyId: fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), { minLength: 16, maxLength: 20 }).map((a) => a.join('')),
  secretAccessKey: fc.array(fc.constantFrom(...'abcdefABCDEF0123456789+/'), { minLength: 40, maxLength: 40 }).map((a) => a.join('')),
  sessionToken: fc.option(fc.array(fc.constantFrom(...'abcXYZ019+/='), { minLength: 20, maxLength: 80 }).map((a) => a.join('')), { nil: undefined }),
})
const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1', 'auto')
// 2001-09-09 .. 2096: any second.
const when = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 })
const expiresIn = fc.integer({ min: 1, max: 604800 })
const uniqueByLower = (pairs) => {
  const seen = new Set()
  return pairs.filter(([n]) => !seen.has(n.toLowerCase()) && seen.add(n.toLowerCase()))
}
const headers = fc
  .array(
    fc.tuple(
      fc.oneof(
        token(1, 12).map((t) => 'x-amz-meta-' + t),
        token(1, 12).map((t) => 'X-Custom-' + t),
        fc.constantFrom('Content-Type', 'content-md5', 'x-amz-acl', 'X-Amz-Server-Side-Encryption'),
      ),
      headerValue,
    ),
    { maxLength: 4 },
  )
  .map(uniqueByLower)
const query = fc
  .array(fc.tuple(text(1, 12), text(0, 12)), { maxLength: 4 })
  .map((pairs) => {
    // Unique names that cannot be mistaken for the signer's own parameters.
    const seen = new Set()
    return pairs.filter(([n]) => !n.toLowerCase().startsWith('x-amz-') && !seen.has(n) && seen.add(n))
  })

function smithySigner(service, regionName, c, uriEscapePath) {
  return new SignatureV4({
    service,
    region: regionName,
    credentials: c,
    sha256: NodeSha256,
    uriEscapePath,
    applyChecksum: false,
  })
}

function signatureOf(url) {
  return new URL(url).searchParams.get('X-Amz-Signature')
}

test(`S3Presigner matches @smithy/signature-v4 (${RUNS} random cases, seed ${SEED})`, async () => {
  const bucket = token(3, 20).filter((b) => /^[a-z0-9].*[a-z0-9]$/.test(b) && !b.includes('--') && !/^xn--|^sthree-|-s3alias$|--ol-s3$/.test(b))
  const methods = fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST')
  let count = 0
  await fc.assert(
    fc.asyncProperty(creds, region, bucket, text(1, 40), methods, when, expiresIn, headers, query,
      fc.option(text(1, 20), { nil: undefined }),
      async (c, reg, b, key, method, t, exp, hdrs, q, disposition) => {
        const s3 = new S3Presigner({ region: reg, credentials: c })
        const r = s3.presign(method, b, key, {
          expiresIn: exp,
          headers: hdrs,
          query: q,
          responseContentDisposition: disposition,
          now: t,
        })
        const suffix = reg.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
        const hostname = reg === 'us-east-1' ? `${b}.s3.${suffix}` : `${b}.s3.${reg}.${suffix}`
        const smithyQuery = Object.fromEntries(q)
        if (disposition !== undefined) smithyQuery['response-content-disposition'] = disposition
        const smithyHeaders = { host: hostname, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }
        for (const [n, v] of hdrs) smithyHeaders[n] = v
        const unhoistable = new Set(['x-amz-content-sha256', ...hdrs.map(([n]) => n.toLowerCase())])
        const signed = await smithySigner('s3', reg, c, false).presign(
          { method, protocol: 'https:', hostname, path: '/' + encodeKey(key), query: smithyQuery, headers: smithyHeaders },
          { signingDate: new Date(t * 1000), expiresIn: exp, unhoistableHeaders: unhoistable, unsignableHeaders: new Set(['x-amz-content-sha256']) },
        )
        // Compared as text: WHATWG URL parsing would rewrite `.`/`..` segments of the key.
        assert.equal(r.url.slice(0, r.url.indexOf('?')), `https://${hostname}/${encodeKey(key)}`)
        assert.equal(r.signature, signed.query['X-Amz-Signature'], `key ${JSON.stringify(key)}\n${r.canonicalRequest}`)
        assert.equal(signatureOf(r.url), r.signature)
        count++
      }),
    { numRuns: RUNS, seed: SEED },
  )
  assert.equal(count, RUNS)
})

test(`presignUrl (generic services) matches @smithy/signature-v4 (${RUNS} random cases, seed ${SEED})`, async () => {
  const segment = fc.oneof(
    { weight: 6, arbitrary: text(1, 10).map(sigv4Encode) },
    { weight: 1, arbitrary: fc.constantFrom('.', '..', '') },
  )
  // Paths ending in a `.` or `..` segment included: `/a/.` normalizes to `/a` in both.
  const path = fc
    .array(segment, { minLength: 0, maxLength: 6 })
    .chain((segs) => fc.boolean().map((trailing) => '/' + segs.join('/') + (trailing && segs.length ? '/' : '')))
  const service = fc.constantFrom('sts', 'execute-api', 'rds-db', 'iam', 'es', 'service', 'lambda')
  const host = fc.tuple(token(1, 12), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
  const methods = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH')
  let count = 0
  await fc.assert(
    fc.asyncProperty(creds, region, service, host, path, methods, when, expiresIn, headers, query,
      async (c, reg, svc, [h, port], p, method, t, exp, hdrs, q) => {
        const hostname = `${h}.example.com`
        const authority = port === undefined || port === 443 ? hostname : `${hostname}:${port}`
        const useInstance = t % 2 === 0
        const r = presignUrl(method, `https://${authority}${p}`, {
          service: svc,
          region: reg,
          credentials: useInstance ? new Credentials(c) : c,
          expiresIn: exp,
          headers: hdrs,
          query: q,
          now: new Date(t * 1000),
        })
        const smithyHeaders = { host: authority }
        for (const [n, v] of hdrs) smithyHeaders[n] = v
        const signed = await smithySigner(svc, reg, c, true).presign(
          { method, protocol: 'https:', hostname, port, path: p, query: Object.fromEntries(q), headers: smithyHeaders },
          { signingDate: new Date(t * 1000), expiresIn: exp, unhoistableHeaders: new Set(hdrs.map(([n]) => n.toLowerCase())) },
        )
        assert.equal(r.signature, signed.query['X-Amz-Signature'], `path ${p}\n${r.canonicalRequest}`)
        assert.equal(signatureOf(r.url), r.signature)
        count++
      }),
    { numRuns: RUNS, seed: SEED },
  )
  assert.equal(count, RUNS)
})
