#!/usr/bin/env node
// Builds the native addon from the Rust sources (crates/presigner-node) in release mode.
//
// Used as the package's `install` script, so `npm install` in bindings/node and
// `npm install ./bindings/node` from another project both compile it. With the napi CLI
// (a dev dependency) it runs `napi build`, which also regenerates binding.js and index.d.ts;
// without it (installed as someone else's dependency) it runs cargo directly and copies the
// library to the file name binding.js loads. Set PRESIGNER_SKIP_BUILD=1 to skip.
'use strict'

const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const pkgDir = path.resolve(__dirname, '..')
const manifest = path.resolve(pkgDir, '..', '..', 'crates', 'presigner-node', 'Cargo.toml')

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: pkgDir, ...opts })
  if (r.error) throw r.error
  if (r.status !== 0) process.exit(r.status ?? 1)
  return r
}

function platformSuffix() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  if (platform === 'darwin') return `darwin-${arch}`
  return `${platform}-${arch}`
}

function main() {
  if (process.env.PRESIGNER_SKIP_BUILD === '1') {
    console.log('presigner: PRESIGNER_SKIP_BUILD=1, not building the native addon')
    return
  }
  if (!fs.existsSync(manifest)) {
    console.error(
      `presigner: cannot build the native addon: ${manifest} not found.\n` +
        'Install from a checkout of the repository (npm install path/to/presigner/bindings/node).',
    )
    process.exit(1)
  }
  let cli = null
  try {
    const cliPkg = require.resolve('@napi-rs/cli/package.json', { paths: [pkgDir] })
    cli = path.join(path.dirname(cliPkg), require(cliPkg).bin.napi)
  } catch {
    cli = null
  }
  if (cli) {
    run(process.execPath, [
      cli,
      'build',
      '--platform',
      '--release',
      '--manifest-path',
      manifest,
      '--output-dir',
      '.',
      '--js',
      'binding.js',
      '--dts',
      'index.d.ts',
    ])
    return
  }
  // No napi CLI: plain cargo, then copy the cdylib where binding.js looks for it.
  run('cargo', ['build', '--release', '--manifest-path', manifest, '-p', 'presigner-node'])
  const meta = spawnSync(
    'cargo',
    ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest],
    { cwd: pkgDir, encoding: 'utf8', maxBuffer: 64 << 20 },
  )
  if (meta.status !== 0) {
    process.stderr.write(meta.stderr || '')
    process.exit(1)
  }
  const targetDir = JSON.parse(meta.stdout).target_directory
  const lib = {
    linux: 'libpresigner_node.so',
    darwin: 'libpresigner_node.dylib',
    win32: 'presigner_node.dll',
  }[process.platform]
  const src = path.join(targetDir, 'release', lib || 'libpresigner_node.so')
  const dest = path.join(pkgDir, `presigner.${platformSuffix()}.node`)
  fs.copyFileSync(src, dest)
  console.log(`presigner: built ${path.relative(pkgDir, dest)}`)
}

main()
