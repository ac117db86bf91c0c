// ES module entry: the same objects as the CommonJS entry (one native addon per process).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const presigner = require('./index.js')

export const {
  Credentials,
  S3Presigner,
  presignUrl,
  signRequest,
  verifyPresigned,
  verifyRequest,
  errorCodes,
  ERROR_CODES,
  PresignerError,
  __napiBindingTarget,
} = presigner
export default presigner
