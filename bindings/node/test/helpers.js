// Shared test/bench helpers: a node:crypto hash for @smithy/signature-v4 and RFC 3986 encoding
// written from the SigV4 rules (independent of the Rust core).
'use strict'

const crypto = require('node:crypto')

/** The Checksum interface @smithy/signature-v4 expects, backed by node:crypto. */
class NodeSha256 {
  constructor(secret) {
    this.h = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', secret)
  }
  update(data) {
    this.h.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
  }
  async digest() {
    return new Uint8Array(this.h.digest())
  }
  reset() {
    throw new Error('not needed')
  }
}

/** SigV4 encoding: everything but A-Z a-z 0-9 - _ . ~ as UTF-8 %XX. */
function sigv4Encode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

/** An S3 key in a URL path: the same, with `/` kept. */
function encodeKey(key) {
  return key.split('/').map(sigv4Encode).join('/')
}

module.exports = { NodeSha256, sigv4Encode, encodeKey }
