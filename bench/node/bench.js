#!/usr/bin/env node
// Node harness of `make bench` (run by bench/run.py; prints one JSON document, common schema).
// presigner (presignGet / presign / presignMany) vs @smithy/signature-v4 (node:crypto hash,
// settings that match botocore byte for byte) and @aws-sdk/s3-request-presigner getSignedUrl, on
// bench/inputs.json with the signing time fixed everywhere. Single-threaded (no worker_threads).
//   node bench/node/bench.js bench/inputs.json full|quick   |   ... rss N
'use strict'

const path = require('node:path')
const fs = require('node:fs')
const crypto = require('node:crypto')
const { createRequire } = require('node:module')

const NODE_PKG = path.resolve(__dirname, '../../bindings/node')
const req = createRequire(path.join(NODE_PKG, 'package.json'))
const { S3Presigner } = req('./index.js')

const inp = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const modeName = process.argv[3]
const { region, bucket } = inp
const expiresIn = inp.expires_in
const now = new Date(inp.now_epoch * 1000)
const keys = inp.keys
const putHeaders = inp.put_headers
const host = `${bucket}.s3.${region}.amazonaws.com`
const creds = { accessKeyId: inp.access_key_id, secretAccessKey: inp.secret_access_key }
const credsTok = { ...creds, sessionToken: inp.session_token }
const batchKeys = (n) => Array.from({ length: n }, (_, i) => `${keys[i % keys.length]}.${i}`)

const P = new S3Presigner({ region, credentials: creds })
const PT = new S3Presigner({ region, credentials: credsTok })
const getOpts = { expiresIn, now }
const putOpts = { expiresIn, now, headers: putHeaders }

if (modeName === 'rss') {
  const urls = P.presignMany('GET', bucket, batchKeys(Number(process.argv[4])), getOpts)
  console.log(JSON.stringify({ urls: urls.length, bytes: urls.reduce((a, u) => a + u.length, 0) }))
  process.exit(0)
}
const M = inp.modes[modeName]

// SigV4 path encoding of an S3 key: every byte but A-Z a-z 0-9 - _ . ~ / as %XX.
const encKey = (k) => Array.from(Buffer.from(k, 'utf8'), (b) =>
  /[A-Za-z0-9\-_.~/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('')

class Sha256 {
  constructor(secret) { this.h = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', secret) }
  update(d) { this.h.update(typeof d === 'string' ? Buffer.from(d, 'utf8') : d) }
  async digest() { return new Uint8Array(this.h.digest()) }
  reset() { throw new Error('unused') }
}

const { SignatureV4 } = req('@smithy/signature-v4')
const { S3Client, GetObjectCommand, PutObjectCommand } = req('@aws-sdk/client-s3')
const { getSignedUrl } = req('@aws-sdk/s3-request-presigner')
const smithyOpts = { service: 's3', region, sha256: Sha256, uriEscapePath: false, applyChecksum: false }
const SM = new SignatureV4({ ...smithyOpts, credentials: creds })
const SMT = new SignatureV4({ ...smithyOpts, credentials: credsTok })
const unsignable = new Set(['x-amz-content-sha256'])
// smithy hoists x-amz-* headers into the query unless told not to; botocore and presigner sign them as headers
const unhoistable = new Set(['x-amz-content-sha256', ...inp.put_headers.map(([n]) => n.toLowerCase())])
async function smithy(signer, method, key, headers = []) {
  const h = { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }
  for (const [n, v] of headers) h[n.toLowerCase()] = v
  const r = await signer.presign({ method, protocol: 'https:', hostname: host, path: '/' + encKey(key), query: {}, headers: h },
    { expiresIn, signingDate: now, unhoistableHeaders: unhoistable, unsignableHeaders: unsignable })
  return `https://${host}${r.path}?` + Object.entries(r.query).map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&')
}
const client = new S3Client({ region, credentials: creds })
const clientTok = new S3Client({ region, credentials: credsTok })
const meta = Object.fromEntries(putHeaders.filter(([n]) => n.toLowerCase().startsWith('x-amz-meta-')).map(([n, v]) => [n.slice(11), v]))
const ctype = (putHeaders.find(([n]) => n.toLowerCase() === 'content-type') || [])[1]
const gsGet = (c, key) => getSignedUrl(c, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn, signingDate: now })
const gsPut = (key) => getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: ctype, Metadata: meta }), { expiresIn, signingDate: now })

const clock = () => Number(process.hrtime.bigint()) / 1e3 // µs
async function latency(f, isAsync) {
  let i = 0
  const t0 = clock()
  const warm = M.samples > 100 ? 50_000 : 1_000
  while (clock() - t0 < warm || i < 3) { isAsync ? await f(i) : f(i); i++ }
  const est = (clock() - t0) / i
  const k = Math.max(1, Math.ceil(M.sample_us / est))
  const n = Math.max(5, Math.min(M.samples, Math.floor(M.budget_s * 1e6 / (est * k))))
  const s = []
  for (let j = 0; j < n; j++) {
    const t = clock()
    if (isAsync) for (let c = 0; c < k; c++) await f(i++)
    else for (let c = 0; c < k; c++) f(i++)
    s.push((clock() - t) / k)
  }
  s.sort((a, b) => a - b)
  return { us_median: s[s.length >> 1], us_p99: s[Math.min(s.length, Math.max(1, Math.ceil(s.length * 0.99))) - 1], samples: n, calls_per_sample: k, _est: s[s.length >> 1] }
}

async function throughput(name, estUs, all, f) {
  const out = []
  for (const n of M.batches) {
    const estS = estUs * n / 1e6
    if (estS > M.budget_s) { out.push({ impl: name, batch: n, threads: 1, skipped: `estimated ${estS.toFixed(0)} s > budget` }); continue }
    const batch = all.slice(0, n)
    const reps = Math.max(1, Math.min(M.max_reps, Math.ceil(M.min_batch_s / Math.max(estS, 1e-9))))
    const times = []
    for (let r = 0; r < reps; r++) {
      const t = clock()
      const total = await f(batch)
      times.push((clock() - t) / 1e6)
      if (total !== n) throw new Error(`${name}: ${total} URLs for ${n}`)
    }
    times.sort((a, b) => a - b)
    const med = times[times.length >> 1]
    out.push({ impl: name, batch: n, threads: 1, reps, seconds: med, us_per_url: med * 1e6 / n, urls_per_s: n / med })
    if (n >= 100) estUs = med * 1e6 / n // a batch call costs less per URL than single calls: budget the next batch on it
  }
  out.push({ impl: name, threads: 2, skipped: 'worker_threads not used (optional); Node presigns on the calling thread' })
  return out
}

async function main() {
  const sig = (u) => u.split('X-Amz-Signature=')[1].split('&')[0]
  const k = keys[2]
  const checks = [
    { case: 'get', peer: '@smithy/signature-v4', same_signature: sig(P.presignGet(bucket, k, getOpts)) === sig(await smithy(SM, 'GET', k)) },
    { case: 'get_token', peer: '@smithy/signature-v4', same_signature: sig(PT.presignGet(bucket, k, getOpts)) === sig(await smithy(SMT, 'GET', k)) },
    { case: 'put', peer: '@smithy/signature-v4', same_signature: sig(P.presign('PUT', bucket, k, putOpts).url) === sig(await smithy(SM, 'PUT', k, putHeaders)) },
  ]
  let sink = 0
  const K = keys.length
  const rows = [
    ['presigner presignGet', 'presigner', 'get', false, (i) => { sink += P.presignGet(bucket, keys[i % K], getOpts).length }],
    ['presigner presignGet', 'presigner', 'get_token', false, (i) => { sink += PT.presignGet(bucket, keys[i % K], getOpts).length }],
    ['presigner presignGet', 'presigner', 'put', false, (i) => { sink += P.presign('PUT', bucket, keys[i % K], putOpts).url.length }],
    ['@smithy/signature-v4 presign', 'peer', 'get', true, async (i) => { sink += (await smithy(SM, 'GET', keys[i % K])).length }],
    ['@smithy/signature-v4 presign', 'peer', 'get_token', true, async (i) => { sink += (await smithy(SMT, 'GET', keys[i % K])).length }],
    ['@smithy/signature-v4 presign', 'peer', 'put', true, async (i) => { sink += (await smithy(SM, 'PUT', keys[i % K], putHeaders)).length }],
    ['@aws-sdk getSignedUrl', 'peer', 'get', true, async (i) => { sink += (await gsGet(client, keys[i % K])).length }],
    ['@aws-sdk getSignedUrl', 'peer', 'get_token', true, async (i) => { sink += (await gsGet(clientTok, keys[i % K])).length }],
    ['@aws-sdk getSignedUrl', 'peer', 'put', true, async (i) => { sink += (await gsPut(keys[i % K])).length }],
  ]
  const lat = []
  for (const [name, role, kase, isAsync, f] of rows) lat.push({ ...(await latency(f, isAsync)), impl: name, role, case: kase })
  const est = (name) => lat.find((r) => r.impl === name && r.case === 'get')._est
  const all = batchKeys(Math.max(...M.batches))
  const tp = [
    ...(await throughput('presigner presignMany', est('presigner presignGet'), all, async (ks) => P.presignMany('GET', bucket, ks, getOpts).length)),
    ...(await throughput('@smithy/signature-v4 presign', est('@smithy/signature-v4 presign'), all, async (ks) => { let c = 0; for (const x of ks) { await smithy(SM, 'GET', x); c++ } return c })),
    ...(await throughput('@aws-sdk getSignedUrl', est('@aws-sdk getSignedUrl'), all, async (ks) => { let c = 0; for (const x of ks) { await gsGet(client, x); c++ } return c })),
  ]
  if (sink === 0) throw new Error('nothing measured')
  for (const r of lat) delete r._est
  const ver = (p) => { try { return req(`${p}/package.json`).version } catch { return '?' } }
  console.log(JSON.stringify({
    language: 'node',
    runtime: `node ${process.version}`,
    versions: { '@smithy/signature-v4': ver('@smithy/signature-v4'), '@aws-sdk/s3-request-presigner': ver('@aws-sdk/s3-request-presigner') },
    batch_api: { 'presigner presignMany': 'S3Presigner.presignMany', others: 'an await loop' },
    checks,
    notes: ['getSignedUrl adds x-id and checksum parameters (not byte-comparable; timed as users call it)', "presigner rows for case put use S3Presigner.presign(...).url (the full result object; its fields other than url are decoded on first read)"],
    latency: lat,
    throughput: tp,
  }))
}

main().catch((e) => { console.error(e); process.exit(1) })
