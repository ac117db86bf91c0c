// The loader's fast paths (common options passed as arguments) and the lazily decoded
// `PresignedRequest`: the same values and errors as the general path (which reads the options
// object in native code), field semantics, and results that outlive their presigner.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const v8 = require('node:v8')
const vm = require('node:vm')
const { S3Presigner, presignUrl, PresignerError } = require('..')

const c = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const ct = { ...c, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKENVALUE' }
const s3 = new S3Presigner({ region: 'eu-west-1', credentials: c })
const s3t = new S3Presigner({ region: 'eu-west-1', credentials: ct })
const NOW = 1_704_067_200

// A Date of another realm is a Date to the addon but not `instanceof Date`: the loader then
// takes the general path, which is the reference here.
const foreignDate = (seconds) => vm.runInNewContext(`new Date(${seconds * 1000})`)
const general = (o) => ({ ...o, now: foreignDate(o.now ?? NOW) })

const FIELDS = ['url', 'method', 'headers', 'signedHeaders', 'expiresAt', 'signedAt', 'canonicalRequest', 'stringToSign', 'signature']
const plain = (r) => Object.fromEntries(FIELDS.map((k) => [k, r[k]]))

const KEYS = ['a.txt', 'photos/2024/holiday picture (1).jpg', 'données/été/résumé.txt', '日本語/ファイル 名.png', 'emoji/😀 smile.gif', "a+b=c&d/e f!*'().bin", 'x'.repeat(1024)]
const HEADER_SETS = [
  undefined,
  [['Content-Type', 'image/jpeg'], ['x-amz-meta-owner', 'alice']],
  { 'Content-Type': 'text/plain; charset=utf-8', 'x-amz-meta-band': 'Motörhead 😀' },
  [['x-amz-meta-a', '1'], ['X-Amz-Meta-A', '2']],
  { 'x-amz-meta-skipped': undefined, 'x-amz-acl': 'private' },
]

test('fast and general paths give the same results, field by field', () => {
  for (const p of [s3, s3t]) {
    for (const key of KEYS) {
      for (const headers of HEADER_SETS) {
        for (const method of ['GET', 'PUT', 'delete']) {
          const o = { expiresIn: 900, now: NOW, headers }
          const fast = p.presign(method, 'example-bucket', key, o)
          const slow = p.presign(method, 'example-bucket', key, general(o))
          assert.deepEqual(plain(fast), plain(slow))
          assert.deepEqual(fast.toJSON(), plain(slow))
        }
      }
      const g = { expiresIn: 60, now: new Date(NOW * 1000) }
      assert.equal(p.presignGet('example-bucket', key, g), p.presignGet('example-bucket', key, general({ expiresIn: 60 })))
      assert.equal(p.presignGet('example-bucket', key, g), p.presign('GET', 'example-bucket', key, g).url)
      const put = { contentType: 'image/png', headers: { 'x-amz-meta-k': 'v' }, now: NOW }
      assert.deepEqual(plain(p.presignPut('example-bucket', key, put)), plain(p.presignPut('example-bucket', key, general(put))))
    }
  }
})

test('decoded fields have the types and values of the PresignedRequest type', () => {
  const r = s3.presign('PUT', 'example-bucket', 'emoji/😀 ö.bin', {
    now: NOW,
    expiresIn: 600,
    headers: [['Content-Type', 'image/jpeg'], ['x-amz-meta-owner', 'Motörhead 😀'], ['X-Amz-Meta-Owner', 'bob']],
  })
  assert.equal(r.method, 'PUT')
  assert.deepEqual(r.headers, { 'Content-Type': 'image/jpeg', 'x-amz-meta-owner': 'Motörhead 😀,bob' })
  assert.deepEqual(r.signedHeaders, ['content-type', 'host', 'x-amz-meta-owner'])
  assert.ok(r.signedAt instanceof Date && r.expiresAt instanceof Date)
  assert.equal(r.signedAt.getTime(), NOW * 1000)
  assert.equal(r.expiresAt.getTime(), (NOW + 600) * 1000)
  assert.match(r.url, /^https:\/\/example-bucket\.s3\.eu-west-1\.amazonaws\.com\/emoji\/%F0%9F%98%80%20%C3%B6\.bin\?X-Amz-Algorithm=/)
  assert.ok(r.url.endsWith(`&X-Amz-Signature=${r.signature}`))
  assert.match(r.signature, /^[0-9a-f]{64}$/)
  assert.ok(r.canonicalRequest.startsWith('PUT\n/emoji/%F0%9F%98%80%20%C3%B6.bin\n'))
  assert.ok(r.canonicalRequest.includes('\nx-amz-meta-owner:Motörhead 😀,bob\n'))
  assert.ok(r.stringToSign.startsWith('AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/eu-west-1/s3/aws4_request\n'))
})

test('fields read like an object: same objects on every read, assignable, listed, printed', () => {
  const r = s3.presign('PUT', 'b-1', 'k', { now: NOW, headers: { 'Content-Type': 'a/b' } })
  assert.equal(r.headers, r.headers)
  assert.equal(r.signedAt, r.signedAt)
  r.headers['x-extra'] = '1'
  assert.equal(r.headers['x-extra'], '1')
  r.method = 'POST'
  assert.equal(r.method, 'POST')
  r.url = 'changed'
  assert.equal(r.url, 'changed')
  const fresh = s3.presign('GET', 'b-1', 'k', { now: NOW })
  const keys = []
  for (const k in fresh) keys.push(k)
  assert.deepEqual(keys.sort(), [...FIELDS].sort())
  assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(fresh))), FIELDS)
  assert.equal(JSON.parse(JSON.stringify(fresh)).signedAt, '2024-01-01T00:00:00.000Z')
  const shown = util.inspect(fresh)
  for (const k of FIELDS) assert.ok(shown.includes(`${k}:`), `${k} in ${shown}`)
})

test('presignUrl results are decoded the same way', () => {
  const r = presignUrl('GET', 'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15', {
    service: 'sts',
    region: 'us-east-1',
    credentials: c,
    now: NOW,
    headers: { 'x-custom': 'välue' },
  })
  assert.deepEqual(r.signedHeaders, ['host', 'x-custom'])
  assert.deepEqual(r.headers, { 'x-custom': 'välue' })
  assert.ok(r.canonicalRequest.includes('x-custom:välue'))
  assert.ok(r.url.includes(r.signature))
})

test('results stay valid after their presigner is garbage collected', () => {
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc')
  const make = () => new S3Presigner({ region: 'eu-west-1', credentials: c }).presign('GET', 'b-1', 'k', { now: NOW })
  const results = Array.from({ length: 50 }, make)
  for (let i = 0; i < 3; i++) gc()
  const want = plain(s3.presign('GET', 'b-1', 'k', { now: NOW }))
  for (const r of results) assert.deepEqual(plain(r), want)
})

// What an operation gives or throws, as comparable data.
function thrown(fn) {
  try {
    const r = fn()
    return { value: typeof r === 'string' ? r : plain(r) }
  } catch (e) {
    return { type: e.constructor.name, code: e.code, message: e.message, presigner: e instanceof PresignerError }
  }
}

test('errors on the fast path are those of the general path', () => {
  const cases = [
    { expiresIn: 0 },
    { expiresIn: 604801 },
    { expiresIn: 1.5 },
    { expiresIn: NaN },
    { expiresIn: '60' },
    { now: -1 },
    { now: NaN },
    { now: 1e15 },
    { headers: { 'bad name': 'v' } },
    { headers: { 'x-amz-meta-a': 'a\nb' } },
    { headers: { 'x-amz-meta-a': 'a\0b' } },
    { headers: { 'x-amz-meta-a': 1 } },
    { headers: [['x-amz-meta-a']] },
    { headers: [['x-amz-meta-a', null]] },
    { headers: 'x' },
    { headers: { host: 'evil.example' } },
  ]
  for (const o of cases) {
    const withNow = { now: NOW, ...o }
    const slow = () => general(withNow)
    // `now` itself is the subject of some cases: keep it, and compare with the general path
    // reached through a foreign Date only where `now` is valid.
    const want = o.now === undefined ? thrown(() => s3.presign('PUT', 'b-1', 'k', slow())) : null
    const got = thrown(() => s3.presign('PUT', 'b-1', 'k', withNow))
    if (want) assert.deepEqual(got, want, util.inspect(o))
    else assert.equal(got.code, 'invalid_time', util.inspect(o))
    if (got.value === undefined) {
      assert.deepEqual(thrown(() => s3.presignPut('b-1', 'k', withNow)), got, util.inspect(o))
      if (o.headers === undefined) assert.deepEqual(thrown(() => s3.presignGet('b-1', 'k', withNow)), got, util.inspect(o))
    }
  }
  assert.deepEqual(thrown(() => s3.presign('GE T', 'b-1', 'k', { now: NOW })), thrown(() => s3.presign('GE T', 'b-1', 'k', general({}))))
  assert.deepEqual(thrown(() => s3.presignGet('B_ad', 'k', { now: NOW })), thrown(() => s3.presignGet('B_ad', 'k', general({}))))
  assert.deepEqual(thrown(() => s3.presignGet('b-1', '', { now: NOW })), thrown(() => s3.presignGet('b-1', '', general({}))))
  assert.deepEqual(thrown(() => s3.presignGet('b-1', 'k'.repeat(1025), { now: NOW })), thrown(() => s3.presignGet('b-1', 'k'.repeat(1025), general({}))))
})

test('the common options take the fast path, anything else the general one', () => {
  const native = require('../binding.js')
  const calls = { _s3FastGet: 0, _s3FastPresign: 0 }
  const saved = {}
  for (const name of Object.keys(calls)) {
    saved[name] = native[name]
    native[name] = function (...args) {
      calls[name]++
      return saved[name].apply(this, args)
    }
  }
  const count = (fn) => {
    calls._s3FastGet = calls._s3FastPresign = 0
    fn()
    return calls._s3FastGet + calls._s3FastPresign
  }
  try {
    assert.equal(count(() => s3.presignGet('b-1', 'k', { expiresIn: 60, now: NOW })), 1)
    assert.equal(count(() => s3.presignGet('b-1', 'k', { now: new Date(NOW * 1000) })), 1)
    assert.equal(count(() => s3.presign('PUT', 'b-1', 'k', { now: NOW, headers: [['Content-Type', 'a/b']] })), 1)
    assert.equal(count(() => s3.presign('PUT', 'b-1', 'k', { now: NOW, headers: { 'Content-Type': 'a/b' } })), 1)
    assert.equal(count(() => s3.presignPut('b-1', 'k', { now: NOW, contentType: 'a/b' })), 1)
    assert.equal(count(() => s3.presignGet('b-1', 'k', { now: NOW, versionId: 'v1' })), 0)
    assert.equal(count(() => s3.presignGet('b-1', 'k', { now: NOW, responseContentType: 'a/b' })), 0)
    assert.equal(count(() => s3.presign('GET', 'b-1', 'k', { now: NOW, query: { a: 'b' } })), 0)
    assert.equal(count(() => s3.presign('GET', 'b-1', 'k', general({}))), 0)
    assert.equal(count(() => s3.presign('GET', 'b-1', 'k')), 0)
  } finally {
    Object.assign(native, saved)
  }
})
