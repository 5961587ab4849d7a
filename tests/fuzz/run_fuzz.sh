#!/bin/bash
# Builds the fuzz target of the file readers (.npy, .csv, a safetensors header, tokenizer.json,
# config.json, the safetensors index) and runs it for SECONDS.
# Exit 0: no bug found; 1: a crash, sanitizer report or build failure; 77: no libFuzzer (skipped).
set -u
if [ $# -ne 3 ]; then
  echo "usage: $0 SRC_DIR WORK_DIR SECONDS" >&2
  exit 2
fi
src=$1
work=$2
seconds=$3

skip() {
  echo "******************************************************"
  echo "*** SKIPPED: clang++ with libFuzzer not found      ***"
  echo "******************************************************"
  exit 77
}

command -v clang++ >/dev/null 2>&1 || skip
mkdir -p "$work/corpus" || exit 1
# A trivial target first, so a missing libFuzzer is a skip while a compile error in the readers
# is a failure.
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$work/probe.cpp"
clang++ -fsanitize=fuzzer,address,undefined "$work/probe.cpp" -o "$work/probe" >/dev/null 2>&1 || skip

# config.json is read by its family's file (core/model/family_*.cpp), whose weight walk brings in
# the weights' own sources too.
model_sources=()
for name in config families family decoder weight half_float widen float_buffer model_memory; do
  model_sources+=("$src/core/model/$name.cpp")
done
model_sources+=("$src"/core/model/family_*.cpp "$src/core/base/threads.cpp")
tokenizer_sources=()
for name in utf8 byte_map regex json_at normalizer pre_tokenizer longest_tokens added_tokens bpe tokenizer tokenizer_json gpt2_files; do
  tokenizer_sources+=("$src/core/tokenizer/$name.cpp")
done
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I "$src" -I/usr/include/eigen3 \
  "$src/core/io/npy.cpp" "$src/core/io/csv.cpp" "$src/core/io/atomic_file.cpp" "$src/core/io/json_file.cpp" \
  "$src/core/base/memory.cpp" "$src/core/model/safetensors.cpp" "$src/core/base/quote.cpp" \
  "$src/core/model/checkpoint.cpp" "$src/core/model/mapped_file.cpp" \
  "${model_sources[@]}" "${tokenizer_sources[@]}" "$src/tests/fuzz/fuzz_readers.cpp" \
  $(pkg-config --cflags --libs libpcre2-8 libutf8proc) \
  -o "$work/fuzz_readers" || { echo "FUZZ FAILURE: the fuzz target does not build"; exit 1; }

# Seeds: the first byte picks the reader (\000 .npy, \001 .csv, \002 safetensors, \003 tokenizer.json,
# \004 config.json, \005 the index). Written with printf so no Python
# is needed; rewritten every run, while inputs the fuzzer found stay in the corpus.
# npy_seed FILE VERSION DESCR FORTRAN SHAPE DATA (DATA is a printf format of the raw bytes)
npy_seed() {
  local dict="{'descr': '$3', 'fortran_order': $4, 'shape': $5, }"
  local len_bytes=$(( $2 == 1 ? 2 : 4 ))
  local unpadded=$(( 6 + 2 + len_bytes + ${#dict} + 1 ))
  local pad=$(( (64 - unpadded % 64) % 64 ))
  local hlen=$(( ${#dict} + pad + 1 ))
  {
    printf '\000\223NUMPY'
    printf "\\$(printf %03o "$2")\\000"
    printf "\\$(printf %03o $((hlen & 255)))\\$(printf %03o $((hlen >> 8)))"
    if [ "$len_bytes" = 4 ]; then printf '\000\000'; fi
    printf '%s' "$dict"
    printf "%${pad}s\n" ""
    printf "$6"
  } > "$work/corpus/$1"
}
c="$work/corpus"
npy_seed seed-f4-le-v1 1 '<f4' False '(2, 3)' '\0\0\200\77\0\0\0\100\0\0\100\100\0\0\200\100\0\0\240\100\0\0\300\100'
npy_seed seed-f4-be-v2-fortran 2 '>f4' True '(2, 2)' '\77\200\0\0\300\0\0\0\177\200\0\0\377\300\0\0'
npy_seed seed-f8-le-v3 3 '<f8' False '(3,)' '\0\0\0\0\0\0\360\77\0\0\0\0\0\0\0\100\0\0\0\0\0\0\360\177'
npy_seed seed-f8-be-3d-fortran 1 '>f8' True '(2, 1, 2)' '\77\360\0\0\0\0\0\0\100\0\0\0\0\0\0\0\300\10\0\0\0\0\0\0\177\370\0\0\0\0\0\0'
npy_seed seed-b1 1 '|b1' False '(2, 2)' '\1\0\1\1'
printf '\0011,2,3\n4,5,6\n' > "$c/seed-csv"
printf '\001inf,-inf,nan\r\n1e-3,+2,.5\r\n\r\n' > "$c/seed-csv-crlf"
printf '\001 1 ,\t2.5e7\n-0,1e-50\n\n' > "$c/seed-csv-spaces"
# safetensors: the 8-byte little-endian header length, the JSON, the data.
st_seed() {
  local n=${#2}
  { printf '\002'; printf "\\$(printf %03o $((n & 255)))\\$(printf %03o $((n >> 8)))\000\000\000\000\000\000"
    printf '%s' "$2"; printf "$3"; } > "$c/$1"
}
st_seed seed-st-two '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1,1],"data_offsets":[8,10]},"__metadata__":{"format":"pt"}}' '\0\0\200\77\0\0\0\100\300\77'
st_seed seed-st-empty '{}' ''
st_seed seed-st-f16 '{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}' '\0\74\0\300\377\173'
# Tokenizers in the shapes of real ones: Llama 3 (Split + ByteLevel, ignore_merges, BOS), GPT-2
# (ByteLevel with its regex), Llama 2 (Prepend + Replace, byte_fallback) and Metaspace.
vocab='"H":0,"i":1,"\u0120":2,"t":3,"h":4,"e":5,"r":6,"Hi":7,"\u0120t":8,"\u0120th":9,"2":10,"0":11,"4":12,"<0xF0>":13,"\u2581":14'
merges='"H i","\u0120 t","\u0120t h"'
printf '\003%s' '{"added_tokens":[{"id":20,"content":"<s>","special":true,"lstrip":true}],"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"(?i:'"'"'s|'"'"'t)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}]},"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"special_tokens":{"<s>":{"id":"<s>","ids":[20],"tokens":["<s>"]}}},"model":{"type":"BPE","ignore_merges":true,"vocab":{'"$vocab"'},"merges":['"$merges"']}}' > "$c/seed-tokenizer-llama3"
printf '\003%s' '{"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":true},"model":{"type":"BPE","vocab":{'"$vocab"'},"merges":[["H","i"],["\u0120","t"]]}}' > "$c/seed-tokenizer-gpt2"
printf '\003%s' '{"normalizer":{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"\u2581"},{"type":"Replace","pattern":{"String":" "},"content":"\u2581"},{"type":"NFC"}]},"model":{"type":"BPE","byte_fallback":true,"fuse_unk":true,"unk_token":"H","vocab":{'"$vocab"'},"merges":['"$merges"']}}' > "$c/seed-tokenizer-llama2"
printf '\003%s' '{"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":true},{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"first","split":true}]},"model":{"type":"BPE","vocab":{'"$vocab"'},"merges":['"$merges"']}}' > "$c/seed-tokenizer-metaspace"

# config.json of each architecture, and an index of two shards.
printf '\004%s' '{"model_type":"gpt2","vocab_size":50257,"n_embd":768,"n_layer":12,"n_head":12,"n_positions":1024,"n_inner":null,"layer_norm_epsilon":1e-05,"activation_function":"gelu_new"}' > "$c/seed-config-gpt2"
printf '\004%s' '{"model_type":"llama","vocab_size":128256,"hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":128,"intermediate_size":14336,"max_position_embeddings":131072,"rms_norm_eps":1e-05,"rope_theta":500000.0,"tie_word_embeddings":false,"rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192}}' > "$c/seed-config-llama3"
printf '\004%s' '{"model_type":"qwen2","vocab_size":151936,"hidden_size":896,"num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,"intermediate_size":4864,"max_position_embeddings":32768,"sliding_window":32768,"use_sliding_window":true,"max_window_layers":21,"rms_norm_eps":1e-06,"tie_word_embeddings":true}' > "$c/seed-config-qwen2"
printf '\004%s' '{"model_type":"mistral","vocab_size":32000,"hidden_size":4096,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"intermediate_size":14336,"max_position_embeddings":32768,"sliding_window":4096,"rms_norm_eps":1e-05}' > "$c/seed-config-mistral"
printf '\005%s' '{"metadata":{"total_size":24},"weight_map":{"a.weight":"model-00001-of-00002.safetensors","b.weight":"model-00002-of-00002.safetensors"}}' > "$c/seed-index"

# libFuzzer's own default exit code for a bug is 77, which CTest would read as a skip.
"$work/fuzz_readers" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=16384 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$work/" "$c"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FUZZ FAILURE: a reader crashed or misbehaved (exit $rc); reproducer in $work/"
  exit 1
fi
echo "fuzz_readers: no crash in $seconds s"
