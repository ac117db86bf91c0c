// Server-side verification: the AWS suite's signed requests verify with the right secret only,
// URLs made by @smithy/signature-v4 (its own parameter order, and shuffled) verify, every
// verification code, the credentials lookups and the time boundaries.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const fc = require('fast-check')
const { SignatureV4 } = require('@smithy/signature-v4')
const { Credentials, S3Presigner, presignUrl, signRequest, verifyPresigned, verifyRequest, PresignerError } = require('..')
const { NodeSha256, sigv4Encode, encodeKey } = require('./helpers.js')

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'tests', 'vectors', 'sigv4.json'), 'utf8'))
const RUNS = Number(process.env.PRESIGNER_VERIFY_RUNS || 300)
const SEED = process.env.PRESIGNER_DIFF_SEED ? Number(process.env.PRESIGNER_DIFF_SEED) : Date.now() ^ (Math.random() * 2 ** 31)

/** A raw signed request of the suite: method, URL, headers (folded lines joined). */
function parseRaw(raw) {
  const [first, ...lines] = raw.split('\n\n')[0].split('\n')
  const method = first.slice(0, first.indexOf(' '))
  const target = first.slice(first.indexOf(' ') + 1, first.lastIndexOf(' '))
  const headers = []
  for (const line of lines) {
    if (!line) continue
    if (line[0] === ' ' || line[0] === '\t') headers[headers.length - 1][1] += ' ' + line.trim()
    else headers.push([line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)])
  }
  const host = headers.find(([n]) => n.toLowerCase() === 'host')[1].trim()
  return { method, url: `https://${host}${target}`, headers }
}

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex')

function throwsCode(fn, code) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof PresignerError, `${e && e.constructor.name}: ${e && e.message}`)
    assert.equal(e.code, code, e.message)
    return true
  })
}

test('every query and header case of the AWS signing suite verifies with the right secret only', () => {
  let checked = 0
  for (const c of vectors.signing_suite) {
    const s = c.settings
    const body = Buffer.from(c.body_base64, 'base64')
    const akid = c.credentials.access_key_id
    const base = { now: c.unix_time + 1, normalizePath: s.normalize_path, doubleEncode: s.double_encode, omitSessionToken: s.omit_session_token }
    // query mode: an object of secrets, then a function giving a wrong one
    const q = parseRaw(c.expected.query.signed_request)
    const qopts = { ...base, headers: q.headers, payloadHash: s.sign_body ? sha256(body) : undefined }
    const v = verifyPresigned(q.method, q.url, { ...qopts, credentials: { [akid]: c.credentials.secret_access_key } })
    assert.deepEqual([v.accessKeyId, v.region, v.service], ['AKIDEXAMPLE', 'us-east-1', 'service'], c.name)
    assert.equal(v.signedAt.getTime(), c.unix_time * 1000)
    assert.equal(v.expiresAt.getTime() - v.signedAt.getTime(), c.expires_in * 1000)
    throwsCode(() => verifyPresigned(q.method, q.url, { ...qopts, credentials: () => 'not-the-secret' }), 'signature_mismatch')
    // header mode: a Map of { secretAccessKey }, then of a wrong Credentials
    const h = parseRaw(c.expected.header.signed_request)
    const hopts = { ...base, headers: h.headers, payloadHash: sha256(body) }
    const right = new Map([[akid, { secretAccessKey: c.credentials.secret_access_key }]])
    assert.equal(verifyRequest(h.method, h.url, { ...hopts, credentials: right }).accessKeyId, 'AKIDEXAMPLE', c.name)
    const wrong = new Map([[akid, new Credentials({ accessKeyId: akid, secretAccessKey: 'wrong' })]])
    throwsCode(() => verifyRequest(h.method, h.url, { ...hopts, credentials: wrong }), 'signature_mismatch')
    checked += 2
  }
  assert.equal(checked, 76)
})

// --- URLs from @smithy/signature-v4 ---------------------------------------------------------

function smithySigner(service, region, c, uriEscapePath) {
  return new SignatureV4({ service, region, credentials: c, sha256: NodeSha256, uriEscapePath, applyChecksum: false })
}

/** The URL of a smithy HttpRequest, its query in smithy's order (or reversed). */
function urlOf(r, reverse) {
  const entries = Object.entries(r.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))
  if (reverse) entries.reverse()
  const qs = entries.map(([k, v]) => `${sigv4Encode(k)}=${sigv4Encode(v)}`).join('&')
  return `${r.protocol}//${r.hostname}${r.port ? ':' + r.port : ''}${r.path}?${qs}`
}

const CHARS = [...'abcdefghijXYZ0189', ...'-_.~ !"#$%&\'()*+,:;<=>?@[\\]^`{|}/', 'é', '日', '😀', '\u00a0']
const text = (min, max) => fc.array(fc.constantFrom(...CHARS), { minLength: min, maxLength: max }).map((a) => a.join(''))
const lower = (min, max) => fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''))
const creds = fc.record(
  {
    accessKeyId: fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), { minLength: 16, maxLength: 20 }).map((a) => 'AKIA' + a.join('')),
    secretAccessKey: text(1, 40),
    sessionToken: fc.option(fc.base64String({ minLength: 4, maxLength: 80 }), { nil: undefined }),
  },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
)
const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1')
const when = fc.integer({ min: 0, max: 253_402_300_799 - 604_800 })
const expiresIn = fc.integer({ min: 1, max: 604_800 })
const query = fc.array(fc.tuple(fc.constantFrom('partNumber', 'uploadId', 'versionId', 'a', 'z'), text(0, 10)), { maxLength: 3 }).map((pairs) => {
  const seen = new Set()
  return pairs.filter(([n]) => !seen.has(n) && seen.add(n))
})

function lookupFor(c) {
  return { [c.accessKeyId]: c.sessionToken ? { secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken } : c.secretAccessKey }
}

test(`S3 URLs presigned by @smithy/signature-v4 verify (${RUNS} random cases, seed ${SEED})`, async () => {
  let count = 0
  await fc.assert(
    fc.asyncProperty(creds, region, lower(3, 20), text(1, 40), fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE'), when, expiresIn, query, fc.boolean(),
      async (c, reg, bucket, key, method, t, exp, q, reverse) => {
        const hostname = `${bucket}.s3.${reg}.amazonaws.com`
        const signed = await smithySigner('s3', reg, c, false).presign(
          { method, protocol: 'https:', hostname, path: '/' + encodeKey(key), query: Object.fromEntries(q), headers: { host: hostname, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
          { signingDate: new Date(t * 1000), expiresIn: exp, unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']) },
        )
        const url = urlOf(signed, reverse)
        const v = verifyPresigned(method, url, { credentials: lookupFor(c), region: reg, service: 's3', now: t + exp - 1 })
        assert.deepEqual([v.accessKeyId, v.region, v.service, v.signedHeaders], [c.accessKeyId, reg, 's3', ['host']])
        assert.equal(v.expiresAt.getTime(), (t + exp) * 1000)
        throwsCode(() => verifyPresigned(method, url, { credentials: { [c.accessKeyId]: { ...c, secretAccessKey: c.secretAccessKey + 'x' } }, now: t }), 'signature_mismatch')
        throwsCode(() => verifyPresigned(method, url, { credentials: lookupFor(c), now: t + exp }), 'request_expired')
        count++
      }),
    { numRuns: RUNS, seed: SEED },
  )
  assert.equal(count, RUNS)
})

test(`URLs of other services presigned by @smithy/signature-v4 verify (${RUNS} random cases, seed ${SEED})`, async () => {
  const segment = fc.oneof({ weight: 5, arbitrary: text(1, 8).map(sigv4Encode) }, { weight: 1, arbitrary: fc.constantFrom('.', '..', '') })
  const p = fc.array(segment, { maxLength: 5 }).chain((segs) => fc.boolean().map((tr) => '/' + segs.join('/') + (tr && segs.length ? '/' : '')))
  let count = 0
  await fc.assert(
    fc.asyncProperty(creds, region, fc.constantFrom('sts', 'execute-api', 'rds-db', 'lambda'), p, when, expiresIn, query, fc.boolean(),
      async (c, reg, svc, pth, t, exp, q, reverse) => {
        const hostname = `${svc}.${reg}.amazonaws.com`
        const signed = await smithySigner(svc, reg, c, true).presign(
          { method: 'GET', protocol: 'https:', hostname, path: pth, query: Object.fromEntries(q), headers: { host: hostname } },
          { signingDate: new Date(t * 1000), expiresIn: exp },
        )
        const url = urlOf(signed, reverse)
        const v = verifyPresigned('GET', url, { credentials: (id) => (id === c.accessKeyId ? new Credentials(c) : null), service: svc, now: t })
        assert.deepEqual([v.region, v.service], [reg, svc], url)
        throwsCode(() => verifyPresigned('GET', url, { credentials: () => c.secretAccessKey + '!', now: t }), 'signature_mismatch')
        count++
      }),
    { numRuns: RUNS, seed: SEED },
  )
  assert.equal(count, RUNS)
})

// --- every verification code ----------------------------------------------------------------

const T = 1_700_000_000
const AKID = 'AKIAVERIFY00000001'
const SECRET = 'verify/secret+key'
const KEYS = { [AKID]: SECRET }
const s3 = new S3Presigner({ region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET } })
const presigned = (o = {}) => s3.presign('GET', 'bucket', 'dir/a b.txt', { now: T, expiresIn: 600, ...o })
const fails = (code, url, o = {}, method = 'GET') => throwsCode(() => verifyPresigned(method, url, { credentials: KEYS, now: T + 1, ...o }), code)

const cases = {
  unsupported_algorithm: () => fails('unsupported_algorithm', presigned().url.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512')),
  malformed_request: () => {
    fails('malformed_request', presigned().url.replace(/&X-Amz-Signature=[0-9a-f]+/, ''))
    throwsCode(() => verifyRequest('GET', 'https://h.example/', { headers: { Authorization: 'nope' }, credentials: KEYS }), 'malformed_request')
  },
  invalid_credential_scope: () => {
    fails('invalid_credential_scope', presigned().url.replace('aws4_request', 'aws5_request'))
    fails('invalid_credential_scope', presigned().url.replace('%2F20231114%2F', '%2F20231115%2F'))
  },
  scope_mismatch: () => {
    fails('scope_mismatch', presigned().url, { region: 'eu-west-1' })
    fails('scope_mismatch', presigned().url, { service: 'sts' })
  },
  duplicate_parameter: () => {
    const url = presigned().url
    fails('duplicate_parameter', url + '&' + url.match(/X-Amz-Date=[0-9TZ]+/)[0])
  },
  missing_signed_header: () => {
    const r = presigned({ headers: { 'x-amz-meta-owner': 'alice' } })
    fails('missing_signed_header', r.url)
    assert.deepEqual(verifyPresigned('GET', r.url, { headers: r.headers, credentials: KEYS, now: T }).signedHeaders, ['host', 'x-amz-meta-owner'])
  },
  unknown_access_key: () => {
    fails('unknown_access_key', presigned().url, { credentials: {} })
    fails('unknown_access_key', presigned().url, { credentials: new Map() })
    fails('unknown_access_key', presigned().url, { credentials: () => undefined })
    fails('unknown_access_key', presigned().url, { credentials: { toString: SECRET } }) // own properties only
  },
  invalid_session_token: () => {
    fails('invalid_session_token', presigned().url, { credentials: { [AKID]: { secretAccessKey: SECRET, sessionToken: 'tok' } } })
    const withToken = new S3Presigner({ region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: 'tok' } })
    const url = withToken.presignGet('bucket', 'k', { now: T })
    assert.equal(verifyPresigned('GET', url, { credentials: { [AKID]: { secretAccessKey: SECRET, sessionToken: 'tok' } }, now: T }).accessKeyId, AKID)
    fails('invalid_session_token', url, { credentials: { [AKID]: { secretAccessKey: SECRET, sessionToken: 'other' } } })
  },
  request_expired: () => {
    assert.ok(verifyPresigned('GET', presigned().url, { credentials: KEYS, now: T + 599 }))
    fails('request_expired', presigned().url, { now: T + 600 })
    fails('request_expired', presigned().url, { now: new Date((T + 600) * 1000) })
  },
  request_not_yet_valid: () => {
    assert.ok(verifyPresigned('GET', presigned().url, { credentials: KEYS, now: T - 900 }))
    fails('request_not_yet_valid', presigned().url, { now: T - 901 })
    assert.ok(verifyPresigned('GET', presigned().url, { credentials: KEYS, now: T - 60, maxSkew: 60 }))
    fails('request_not_yet_valid', presigned().url, { now: T - 61, maxSkew: 60 })
  },
  signature_mismatch: () => {
    const url = presigned().url
    fails('signature_mismatch', url, { credentials: { [AKID]: 'wrong' } })
    fails('signature_mismatch', url, {}, 'PUT')
    fails('signature_mismatch', url.replace('a%20b', 'a%20c'))
    fails('signature_mismatch', url.replace('X-Amz-Expires=600', 'X-Amz-Expires=601'))
    fails('signature_mismatch', url, { headers: { Host: 'other.example' } })
  },
}

test('every verification code has a case here', () => {
  const verification = require('..').ERROR_CODES.slice(17)
  assert.deepEqual(Object.keys(cases).sort(), [...verification].sort())
})

for (const [code, fn] of Object.entries(cases)) test(`verification fails with ${code}`, fn)

test('a valid URL gives who signed it and until when', () => {
  const v = verifyPresigned('GET', presigned().url, { credentials: KEYS, now: T })
  assert.deepEqual(v, {
    accessKeyId: AKID,
    region: 'us-east-1',
    service: 's3',
    signedHeaders: ['host'],
    signedAt: new Date(T * 1000),
    expiresAt: new Date((T + 600) * 1000),
  })
})

test('verifyRequest: header signing round-trip with the body hash', () => {
  const body = 'hello, verifier'
  const url = 'https://bucket.s3.us-east-1.amazonaws.com/dir/obj?tagging='
  const h = signRequest('PUT', url, { service: 's3', region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET }, headers: { 'Content-Type': 'text/plain' }, body, now: T })
  assert.equal(h.headers['x-amz-content-sha256'], sha256(body))
  const headers = { 'Content-Type': 'text/plain', ...h.headers }
  const v = verifyRequest('PUT', url, { headers, credentials: KEYS, now: T + 5 })
  assert.deepEqual(v.signedHeaders, ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date'])
  assert.equal(v.expiresAt.getTime(), (T + 900) * 1000)
  assert.ok(verifyRequest('PUT', url, { headers, payloadHash: sha256(body), credentials: KEYS, now: T }))
  throwsCode(() => verifyRequest('PUT', url, { headers, payloadHash: sha256('other'), credentials: KEYS, now: T }), 'signature_mismatch')
  throwsCode(() => verifyRequest('PUT', url, { headers, credentials: KEYS, now: T + 900 }), 'request_expired')
})

test('canonicalization overrides apply to the scope service', () => {
  const r = presignUrl('GET', 'https://example.amazonaws.com/a/./b/../c', { service: 'execute-api', region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET }, now: T, normalizePath: false })
  fails('signature_mismatch', r.url)
  assert.equal(verifyPresigned('GET', r.url, { credentials: KEYS, now: T, normalizePath: false }).service, 'execute-api')
})

test('an exception thrown by the lookup propagates unchanged', () => {
  const boom = new Error('store down')
  boom.code = 'signature_mismatch' // not mistaken for presigner's own
  assert.throws(() => verifyPresigned('GET', presigned().url, { credentials: () => { throw boom }, now: T }), (e) => e === boom)
  const map = new Map()
  map.get = () => { throw boom }
  assert.throws(() => verifyPresigned('GET', presigned().url, { credentials: map, now: T }), (e) => e === boom)
  // and the next call is unaffected
  assert.ok(verifyPresigned('GET', presigned().url, { credentials: KEYS, now: T }))
})

test('wrong types raise TypeError', () => {
  const url = presigned().url
  for (const [i, fn] of [
    () => verifyPresigned('GET', url, { credentials: 'secret' }),
    () => verifyPresigned('GET', url, { credentials: [AKID, SECRET] }),
    () => verifyPresigned('GET', url, { credentials: null }),
    () => verifyPresigned('GET', url),
    () => verifyPresigned(1, url, { credentials: KEYS }),
    () => verifyPresigned('GET', url, { credentials: () => 42, now: T }),
    () => verifyPresigned('GET', url, { credentials: { [AKID]: { sessionToken: 'x' } }, now: T }),
    () => verifyPresigned('GET', url, { credentials: KEYS, maxSkew: '900' }),
    () => verifyRequest('GET', url, { credentials: KEYS, headers: 'x' }),
  ].entries()) {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof TypeError, `case ${i}: ${e && e.constructor.name}: ${e && e.message}`)
      return true
    })
  }
  throwsCode(() => verifyPresigned('GET', url, { credentials: KEYS, maxSkew: -1 }), 'invalid_option')
  throwsCode(() => verifyPresigned('GET', url, { credentials: () => '', now: T }), 'invalid_credentials')
})
