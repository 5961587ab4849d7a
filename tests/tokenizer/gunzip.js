// Unpacks a gzip file: node gunzip.js IN.gz OUT. The real tokenizer.json files kept in
// tests/tokenizer/data are gzipped to keep the repository small; node is already what runs the
// reference, so it unpacks them too.
const fs = require('fs');
const zlib = require('zlib');
fs.writeFileSync(process.argv[3], zlib.gunzipSync(fs.readFileSync(process.argv[2])));
