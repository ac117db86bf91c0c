// Type-checked by `make test-node` (tsc --noEmit): the README's example and the API surface.
import {
  Credentials,
  ERROR_CODES,
  PresignerError,
  S3Presigner,
  presignUrl,
  signRequest,
  verifyPresigned,
  verifyRequest,
  type Verified,
  type ErrorCode,
  type PresignedRequest,
  type S3PresignOptions,
} from 'presigner'

const s3 = new S3Presigner({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET', sessionToken: 'TOKEN', expiresAt: new Date() },
  addressingStyle: 'auto',
  expiryPolicy: 'clamp',
})
const link: string = s3.presignGet('my-bucket', 'photos/cat.png', { expiresIn: 600, responseContentDisposition: 'attachment' })
const opts: S3PresignOptions = { contentType: 'image/png', now: 1_700_000_000 }
const put: PresignedRequest = s3.presignPut('my-bucket', 'upload.png', opts)
const expires: Date = put.expiresAt
const headers: Record<string, string> = put.headers
const urls: string[] = s3.presignMany('GET', 'my-bucket', ['a', 'b'], { now: new Date() })

const creds = Credentials.fromEnv()
const token = presignUrl('GET', 'https://db.example.com:5432/?Action=connect&DBUser=app', {
  service: 'rds-db',
  region: 'eu-west-1',
  credentials: creds,
  expiresIn: 900,
})
const signed = signRequest('POST', 'https://sts.amazonaws.com/', {
  service: 'sts',
  region: 'us-east-1',
  headers: [['content-type', 'application/x-www-form-urlencoded']],
  body: new Uint8Array([1, 2, 3]),
})
const auth: string = signed.headers['Authorization'] ?? signed.authorization

try {
  s3.presignGet('Bad_Bucket', 'k')
} catch (e) {
  if (e instanceof PresignerError) {
    const code: ErrorCode = e.code
    console.log(code, ERROR_CODES.includes(code))
  }
}

// @ts-expect-error: expiresIn is a number
s3.presignGet('b', 'k', { expiresIn: '60' })
// @ts-expect-error: addressingStyle is one of three strings
new S3Presigner({ addressingStyle: 'sideways' })

const verified: Verified = verifyPresigned('GET', link, { credentials: { AKID: 'SECRET' }, service: 's3', maxSkew: 60 })
const when: Date = verified.expiresAt
verifyPresigned('GET', link, { credentials: new Map([['AKID', { secretAccessKey: 'SECRET', sessionToken: 'T' }]]) })
verifyRequest('PUT', link, { headers: signed.headers, payloadHash: 'UNSIGNED-PAYLOAD', credentials: (id: string) => (id === 'AKID' ? creds : null) })
// @ts-expect-error: credentials are required
verifyPresigned('GET', link, {})

console.log(link, expires, headers, urls, token.url, auth, when)
