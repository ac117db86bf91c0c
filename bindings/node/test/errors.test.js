// Bad input for every stable error code, TypeErrors for wrong JS types, and secrets that
// never show in inspect/JSON/messages.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const presigner = require('..')
const { Credentials, S3Presigner, presignUrl, signRequest, verifyPresigned, PresignerError, ERROR_CODES } = presigner

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const TOKEN = 'FwoGZXIvYXdzEXAMPLETOKENVALUE'
const c = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }
const s3 = new S3Presigner({ region: 'us-east-1', credentials: c })
const NOW = 1_700_000_000
const generic = (extra = {}) => ({ service: 'sts', region: 'us-east-1', credentials: c, now: NOW, ...extra })

// A home with no AWS files and no AWS variables, for the credential-source errors.
function withEmptyEnvironment(fn) {
  const saved = { ...process.env }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'presigner-node-'))
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k]
  process.env.HOME = home
  try {
    return fn(home)
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
    fs.rmSync(home, { recursive: true, force: true })
  }
}

// A URL presigned at NOW for 600 s, and a verifier call with it (see verify.test.js for more).
const signedUrl = s3.presignGet('bucket', 'key', { now: NOW, expiresIn: 600 })
const verify = (url, o = {}, method = 'GET') => verifyPresigned(method, url, { credentials: { AKIDEXAMPLE: SECRET }, now: NOW + 1, ...o })

const cases = {
  invalid_expiry: () => s3.presignGet('bucket', 'key', { expiresIn: 604801 }),
  invalid_bucket: () => s3.presignGet('Bad_Bucket', 'key'),
  invalid_key: () => s3.presignGet('bucket', ''),
  invalid_region: () => new S3Presigner({ region: 'us east 1', credentials: c }),
  invalid_endpoint: () => new S3Presigner({ region: 'us-east-1', credentials: c, endpointUrl: 'ftp://example.com' }),
  invalid_header: () => s3.presign('PUT', 'bucket', 'key', { headers: { 'bad name': 'v' } }),
  invalid_query: () => s3.presignGet('bucket', 'key', { query: [['X-Amz-Signature', 'forged']] }),
  invalid_url: () => presignUrl('GET', 'not a url', generic()),
  invalid_method: () => s3.presign('GE T', 'bucket', 'key'),
  invalid_service: () => presignUrl('GET', 'https://sts.amazonaws.com/', generic({ service: 'a/b' })),
  invalid_time: () => s3.presignGet('bucket', 'key', { now: -1 }),
  invalid_option: () => new S3Presigner({ region: 'us-east-1', credentials: c, addressingStyle: 'sideways' }),
  invalid_credentials: () => new Credentials({ accessKeyId: '', secretAccessKey: SECRET }),
  missing_credentials: () => withEmptyEnvironment(() => new S3Presigner({ region: 'us-east-1' })),
  profile_error: () => withEmptyEnvironment(() => Credentials.fromProfile('nope')),
  credentials_expired: () =>
    new S3Presigner({ region: 'us-east-1', credentials: { ...c, expiresAt: NOW - 1 } }).presignGet('bucket', 'key', { now: NOW }),
  credentials_expire_before_url: () =>
    new S3Presigner({ region: 'us-east-1', credentials: { ...c, expiresAt: new Date((NOW + 60) * 1000) } }).presignGet('bucket', 'key', {
      now: NOW,
      expiresIn: 3600,
    }),
  unsupported_algorithm: () => verify(signedUrl.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')),
  malformed_request: () => verify(signedUrl.replace(/&X-Amz-Signature=\w+/, '')),
  invalid_credential_scope: () => verify(signedUrl.replace('aws4_request', 'aws4')),
  scope_mismatch: () => verify(signedUrl, { region: 'eu-west-1' }),
  duplicate_parameter: () => verify(signedUrl + '&X-Amz-Expires=600'),
  missing_signed_header: () => verify(signedUrl.replace('X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=host%3Bx-amz-meta-a')),
  unknown_access_key: () => verify(signedUrl, { credentials: {} }),
  invalid_session_token: () => verify(signedUrl, { credentials: { AKIDEXAMPLE: { secretAccessKey: SECRET, sessionToken: TOKEN } } }),
  request_expired: () => verify(signedUrl, { now: NOW + 600 }),
  request_not_yet_valid: () => verify(signedUrl, { now: NOW - 901 }),
  signature_mismatch: () => verify(signedUrl, { credentials: { AKIDEXAMPLE: 'not-the-secret' } }),
}

test('every core error code has a case here', () => {
  assert.deepEqual(Object.keys(cases).sort(), [...ERROR_CODES].sort())
  assert.equal(ERROR_CODES.length, 28)
})

for (const [code, fn] of Object.entries(cases)) {
  test(`PresignerError ${code}`, () => {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof PresignerError, `${e && e.constructor.name}: ${e && e.message}`)
      assert.ok(e instanceof Error)
      assert.equal(e.name, 'PresignerError')
      assert.equal(e.code, code)
      assert.ok(e.message.length > 10)
      assert.ok(!e.message.includes(SECRET))
      assert.match(e.stack, /errors\.test\.js/)
      return true
    })
  })
}

test('messages name the offending field', () => {
  assert.throws(() => s3.presignGet('bucket', 'key', { expiresIn: 0 }), /expires_in/)
  assert.throws(() => s3.presign('PUT', 'bucket', 'key', { headers: { 'bad name': 'v' } }), /bad name/)
  assert.throws(() => new S3Presigner({ region: 'us-east-1', credentials: c, expiryPolicy: 'never' }), /expiry_policy/)
})

test('wrong JS types raise TypeError', () => {
  const bad = [
    () => s3.presignGet(42, 'key'),
    () => s3.presignGet('bucket', null),
    () => s3.presign(undefined, 'bucket', 'key'),
    () => s3.presignMany('GET', 'bucket', 'key'),
    () => s3.presignMany('GET', 'bucket', ['a', 7]),
    () => s3.presignGet('bucket', 'key', 'options'),
    () => s3.presignGet('bucket', 'key', { expiresIn: '3600' }),
    () => s3.presignGet('bucket', 'key', { expiresIn: 1.5 }),
    () => s3.presignGet('bucket', 'key', { now: '2024-01-01' }),
    () => s3.presignGet('bucket', 'key', { headers: { a: 1 } }),
    () => s3.presignGet('bucket', 'key', { headers: [['a']] }),
    () => s3.presignGet('bucket', 'key', { query: 'a=b' }),
    () => new S3Presigner({ region: 5, credentials: c }),
    () => new S3Presigner({ region: 'us-east-1', credentials: 'AKID:SECRET' }),
    () => new S3Presigner({ region: 'us-east-1', credentials: { accessKeyId: 'AK' } }),
    () => new S3Presigner({ region: 'us-east-1', credentials: c, fips: 'yes' }),
    () => new Credentials(),
    () => presignUrl('GET', 'https://sts.amazonaws.com/', { region: 'us-east-1', credentials: c }),
    () => presignUrl('GET', 'https://sts.amazonaws.com/'),
    () => signRequest('GET', 'https://sts.amazonaws.com/', generic({ body: 12 })),
  ]
  for (const [i, fn] of bad.entries()) {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof TypeError, `case ${i}: ${e && e.constructor.name}: ${e && e.message}`)
      assert.ok(!(e instanceof PresignerError))
      return true
    })
  }
  assert.throws(() => new S3Presigner({ region: 5, credentials: c }), /region/)
  assert.throws(() => s3.presignGet('bucket', 'key', { expiresIn: '3600' }), /expiresIn/)
  assert.throws(() => s3.presignGet(42, 'key'), /bucket/)
})

test('the process survives hostile input', () => {
  const weird = ['\0', '\ud800', 'a'.repeat(100_000), '..', '/', '%', '\u{10ffff}']
  let errors = 0
  for (const w of weird) {
    for (const fn of [
      () => s3.presignGet('bucket', w),
      () => s3.presignGet(w, 'key'),
      () => s3.presign(w, 'bucket', 'key'),
      () => s3.presignGet('bucket', 'key', { headers: { [w]: w }, query: { [w]: w } }),
      () => presignUrl('GET', w, generic()),
      () => signRequest(w, `https://h/${w}`, generic({ headers: [['x-a', w]], body: w })),
    ]) {
      try {
        fn()
      } catch (e) {
        assert.ok(e instanceof PresignerError || e instanceof TypeError, String(e))
        errors++
      }
    }
  }
  assert.ok(errors > 10)
})

test('credentials never show their secret', () => {
  const cred = new Credentials({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, sessionToken: TOKEN, expiresAt: NOW + 3600 })
  const shown = [
    util.inspect(cred),
    util.inspect(cred, { showHidden: true, depth: 10 }),
    util.format('%o %O %j %s', cred, cred, cred, cred),
    JSON.stringify(cred),
    JSON.stringify({ cred }),
    String(cred),
    util.inspect(new S3Presigner({ region: 'us-east-1', credentials: cred }), { showHidden: true }),
    util.inspect(Object.keys(cred)),
  ]
  for (const s of shown) {
    assert.ok(!s.includes(SECRET), s)
    assert.ok(!s.includes(TOKEN), s)
  }
  assert.match(util.inspect(cred), /AKIDEXAMPLE/)
  assert.match(util.inspect(cred), /redacted/)
  assert.equal(cred.accessKeyId, 'AKIDEXAMPLE')
  assert.equal(cred.hasSessionToken, true)
  assert.equal(cred.expiresAt.getTime(), (NOW + 3600) * 1000)
  assert.equal(cred.secretAccessKey, undefined)
  assert.equal(cred.sessionToken, undefined)
})

test('credentials from the environment and the profile files', () => {
  withEmptyEnvironment((home) => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDENV'
    process.env.AWS_SECRET_ACCESS_KEY = 'envsecret'
    process.env.AWS_REGION = 'eu-west-3'
    const fromEnv = Credentials.fromEnv()
    assert.ok(fromEnv instanceof Credentials)
    assert.equal(fromEnv.accessKeyId, 'AKIDENV')
    const s = new S3Presigner()
    assert.equal(s.region, 'eu-west-3')
    assert.equal(s.accessKeyId, 'AKIDENV')
    assert.match(s.presignGet('bucket', 'key'), /^https:\/\/bucket\.s3\.eu-west-3\.amazonaws\.com\/key\?.*AKIDENV%2F\d{8}%2Feu-west-3%2Fs3/)
    delete process.env.AWS_ACCESS_KEY_ID
    delete process.env.AWS_REGION
    fs.mkdirSync(path.join(home, '.aws'))
    fs.writeFileSync(path.join(home, '.aws', 'credentials'), '[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n')
    fs.writeFileSync(path.join(home, '.aws', 'config'), '[profile dev]\nregion = ap-south-1\n')
    assert.equal(Credentials.fromProfile('dev').accessKeyId, 'AKIDDEV')
    const d = new S3Presigner({ profile: 'dev' })
    assert.equal(d.region, 'ap-south-1')
    assert.equal(d.accessKeyId, 'AKIDDEV')
    assert.throws(() => new S3Presigner({ credentials: c }), (e) => e.code === 'invalid_region' && /AWS_REGION/.test(e.message))
  })
})

test('PresignerError is usable on its own', () => {
  const e = new PresignerError('x', 'invalid_key')
  assert.ok(e instanceof Error)
  assert.equal(e.code, 'invalid_key')
  assert.equal(e.name, 'PresignerError')
  assert.deepEqual(presigner.errorCodes(), [...ERROR_CODES])
})
