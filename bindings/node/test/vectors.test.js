// Every shared conformance vector (tests/vectors/sigv4.json) through the Node API.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { S3Presigner, presignUrl, signRequest } = require('..')

const vectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'tests', 'vectors', 'sigv4.json'), 'utf8'),
)

function creds(c) {
  const out = { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key }
  if (c.session_token) out.sessionToken = c.session_token
  return out
}

function expectSame(got, want) {
  assert.equal(got.canonicalRequest, want.canonical_request)
  assert.equal(got.stringToSign, want.string_to_sign)
  assert.equal(got.signature, want.signature)
}

const amzDateToUnix = (d) =>
  Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15)) / 1000

function runQuery(c) {
  const body = Buffer.from(c.body_base64, 'base64')
  const s = c.settings
  return presignUrl(c.method, c.url, {
    service: c.service,
    region: c.region,
    credentials: creds(c.credentials),
    expiresIn: c.expires_in,
    headers: c.headers,
    now: c.unix_time,
    normalizePath: s.normalize_path,
    doubleEncode: s.double_encode,
    payloadHash: s.sign_body ? crypto.createHash('sha256').update(body).digest('hex') : undefined,
    omitSessionToken: s.omit_session_token,
  })
}

function runHeader(c) {
  const s = c.settings
  return signRequest(c.method, c.url, {
    service: c.service,
    region: c.region,
    credentials: creds(c.credentials),
    headers: c.headers,
    body: Buffer.from(c.body_base64, 'base64'),
    now: new Date(c.unix_time * 1000),
    normalizePath: s.normalize_path,
    doubleEncode: s.double_encode,
    omitSessionToken: s.omit_session_token,
    contentSha256Header: s.content_sha256_header,
  })
}

test('signing suite has the expected size', () => {
  assert.equal(vectors.signing_suite.length, 38)
  assert.ok(vectors.legacy_suite.length >= 30)
})

for (const c of vectors.signing_suite) {
  if (c.expected.query) {
    test(`query ${c.name}`, () => {
      const r = runQuery(c)
      expectSame(r, c.expected.query)
      assert.ok(r.url.endsWith(`X-Amz-Signature=${c.expected.query.signature}`))
    })
  }
  if (c.expected.header) {
    test(`header ${c.name}`, () => {
      const r = runHeader(c)
      expectSame(r, c.expected.header)
      assert.equal(r.headers.Authorization.split('Signature=')[1], c.expected.header.signature)
    })
  }
}

for (const c of vectors.legacy_suite) {
  test(`legacy header ${c.name}`, () => {
    const r = runHeader(c)
    expectSame(r, c.expected.header)
    assert.equal(r.authorization, c.expected.header.authorization)
  })
}

const documented = vectors.documented.filter((c) =>
  ['s3-presign', 'sigv4-presign', 's3-header-auth', 'sigv4-header-auth'].includes(c.kind),
)

test('documented examples covered', () => {
  // signing-key and post-policy examples have no Node API (the core tests them).
  assert.equal(documented.length, 7)
})

for (const c of documented) {
  const i = c.inputs
  test(`documented ${c.name}`, () => {
    if (c.kind === 's3-presign') {
      const s3 = new S3Presigner({
        region: i.region,
        credentials: { accessKeyId: i.access_key, secretAccessKey: i.secret_key },
        addressingStyle: i.addressing_style,
        endpointUrl: i.endpoint ?? undefined,
      })
      const r = s3.presign(i.method, i.bucket, i.key, {
        expiresIn: i.expires,
        now: new Date(i.now),
        headers: i.headers,
        query: i.query,
      })
      expectSame(r, c.expected)
      assert.equal(r.url, c.expected.url)
      assert.deepEqual(r.signedHeaders, c.expected.signed_headers)
      assert.equal(r.signedAt.toISOString(), '2013-05-24T00:00:00.000Z')
      assert.equal(r.expiresAt.getTime() - r.signedAt.getTime(), i.expires * 1000)
    } else if (c.kind === 'sigv4-presign') {
      const r = presignUrl(i.method, i.endpoint + i.path, {
        service: i.service,
        region: i.region,
        credentials: { accessKeyId: i.access_key, secretAccessKey: i.secret_key },
        expiresIn: i.expires,
        query: i.query,
        headers: i.headers,
        now: new Date(i.now),
      })
      expectSame(r, c.expected)
      assert.equal(r.url, c.expected.url)
      assert.deepEqual(r.signedHeaders, c.expected.signed_headers)
    } else {
      const host = i.headers.host
      const headers = Object.entries(i.headers).filter(([n]) => n !== 'host' && n !== 'x-amz-date')
      const url = `https://${host}${i.canonical_uri}${i.canonical_query ? '?' + i.canonical_query : ''}`
      const r = signRequest(i.method, url, {
        service: i.service,
        region: i.region,
        credentials: { accessKeyId: i.access_key, secretAccessKey: i.secret_key },
        headers,
        body: i.body ?? undefined,
        payloadHash: i.payload_hash,
        now: amzDateToUnix(i.amz_date),
      })
      expectSame(r, c.expected)
      assert.deepEqual(r.signedHeaders, c.expected.signed_headers)
      // The S3 docs write the header without spaces after the commas; S3 accepts both.
      if (c.expected.authorization) assert.equal(r.authorization.replace(/, /g, ','), c.expected.authorization.replace(/, /g, ','))
    }
  })
}
