// The reference ids for the Hugging Face tokenizer suites: the Hugging Face tokenizers library itself
// (Rust, through the npm package @anush008/tokenizers), with the special tokens the file's
// post-processor adds. Usage: node hf_reference.js NODE_MODULES TOKENIZER_JSON TEXTS.json
// TEXTS.json is an array of strings; stdout gets an array of id arrays, one per string.
const fs = require('fs');
const path = require('path');
const {Tokenizer} = require(path.join(process.argv[2], '@anush008', 'tokenizers'));
const tokenizer = Tokenizer.fromFile(process.argv[3]);
const texts = JSON.parse(fs.readFileSync(process.argv[4], 'utf8'));
Promise.all(texts.map((text) => tokenizer.encode(text, null, {addSpecialTokens: true})))
    .then((encodings) => process.stdout.write(JSON.stringify(encodings.map((e) => Array.from(e.getIds())))))
    .catch((error) => {
      process.stderr.write(String(error) + '\n');
      process.exit(1);
    });
