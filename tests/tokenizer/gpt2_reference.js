// The reference ids for the GPT-2 vocabulary test: OpenAI's encoder as the npm package
// gpt-3-encoder ports it. Usage: node gpt2_reference.js PACKAGE_DIR TEXTS.json
// TEXTS.json is an array of strings; stdout gets an array of id arrays, one per string.
const fs = require('fs');
const encoder = require(process.argv[2]);
const texts = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
process.stdout.write(JSON.stringify(texts.map((text) => encoder.encode(text))));
