// The Solidity compiler from npm (solc-js), driven through standard JSON, in two roles:
//
//   node bin/solc.cjs compile <sources> <out>   the build: compiles every .sol under <sources>
//                                              and writes <out>/<Contract>.abi and .bin
//   bin/solc --version | --standard-json ...    what forge calls (it wants a native solc; solc-js
//                                              prints a banner its own CLI puts before the JSON)
//
// Both compile with the same settings (foundry.toml repeats them), so the bytecode the Java
// wrappers deploy is the bytecode forge tested.
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const solc = require(path.join(root, 'node_modules', 'solc'));

const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  viaIR: true,
  remappings: ['@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/'],
};

function importer(base) {
  return (file) => {
    for (const candidate of [path.resolve(base, file), path.resolve(root, file)]) {
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
    }
    return { error: 'file not found: ' + file };
  };
}

function sources(dir) {
  const found = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(found, sources(full));
    else if (entry.name.endsWith('.sol')) {
      found[path.relative(root, full)] = { content: fs.readFileSync(full, 'utf8') };
    }
  }
  return found;
}

function compileTree(sourceDir, outDir) {
  const input = {
    language: 'Solidity',
    sources: sources(path.resolve(sourceDir)),
    settings: {
      ...SETTINGS,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: importer(root) }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  for (const e of output.errors || []) process.stderr.write(e.formattedMessage + '\n');
  if (errors.length > 0) process.exit(1);
  fs.mkdirSync(outDir, { recursive: true });
  let written = 0;
  for (const [file, contracts] of Object.entries(output.contracts)) {
    if (!file.startsWith(path.relative(root, path.resolve(sourceDir)))) continue; // not libraries
    for (const [name, contract] of Object.entries(contracts)) {
      if (!contract.evm.bytecode.object) continue; // abstract contracts and interfaces
      fs.writeFileSync(path.join(outDir, name + '.abi'), JSON.stringify(contract.abi));
      fs.writeFileSync(path.join(outDir, name + '.bin'), contract.evm.bytecode.object);
      written++;
    }
  }
  process.stdout.write(`solc ${solc.version()}: ${written} contracts to ${outDir}\n`);
}

const args = process.argv.slice(2);
if (args[0] === 'compile') {
  compileTree(args[1], args[2]);
} else if (args.includes('--version')) {
  // The line forge parses; solc-js reports its build as Emscripten, forge knows native names.
  process.stdout.write('solc, the solidity compiler commandline interface\n');
  process.stdout.write('Version: ' + solc.version().replace('Emscripten.clang', 'Linux.g++') + '\n');
} else if (args.includes('--standard-json')) {
  const i = args.indexOf('--base-path');
  const base = i >= 0 ? args[i + 1] : process.cwd();
  process.stdout.write(solc.compile(fs.readFileSync(0, 'utf8'), { import: importer(base) }));
} else {
  process.stderr.write('usage: solc.cjs compile <sources> <out> | --version | --standard-json\n');
  process.exit(2);
}
