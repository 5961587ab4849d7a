// What the Hugging Face tokenizers library decodes each single id to (its decoder, special tokens
// kept): node hf_labels.js NODE_MODULES TOKENIZER_JSON IDS.json, where IDS.json is an array of ids;
// stdout gets an array of strings, one per id.
const fs = require('fs');
const path = require('path');
const {Tokenizer} = require(path.join(process.argv[2], '@anush008', 'tokenizers'));
const tokenizer = Tokenizer.fromFile(process.argv[3]);
const ids = JSON.parse(fs.readFileSync(process.argv[4], 'utf8'));
Promise.all(ids.map((id) => tokenizer.decode([id], false)))
    .then((texts) => process.stdout.write(JSON.stringify(texts)))
    .catch((error) => {
      process.stderr.write(String(error) + '\n');
      process.exit(1);
    });
