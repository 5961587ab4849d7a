// A Hub model in the page (hub.md): the files the lab reads, fetched from the endpoint (?endpoint=URL,
// else https://huggingface.co; the Hub allows other sites' pages to read them) into the page's files at
// /hub/ORG/NAME, and kept in the browser's Cache Storage so that the next visit downloads nothing. The
// window starts a download with Module.attnlabHub.start(id) and reads Module.attnlabHub.take(id) each
// frame: {state: 'fetching' | 'done' | 'failed' | 'cancelled', file, done, total, started, folder, error},
// or nothing before a start; a failed or cancelled download is forgotten once taken (the next start tries
// again).
Module['attnlabHub'] = (function () {
  const models = {};
  const endpoint = () => (Module['hubEndpoint'] || 'https://huggingface.co').replace(/\/+$/, '');

  // One file's bytes, from the cache or the network (its progress in `model`), or null when the repo has
  // no such file (a 404, kept in the cache as well: the next visit asks nothing).
  async function get(model, cache, name) {
    const url = endpoint() + '/' + model.id + '/resolve/main/' + name;
    let response = cache ? await cache.match(url) : undefined;
    const cached = !!response;
    if (!response) response = await fetch(url, { signal: model.abort.signal });
    if (response.status === 404) {
      if (cache && !cached) await cache.put(url, new Response(null, { status: 404 }));
      return null;
    }
    if (!response.ok) throw new Error(model.id + ': ' + name + ' answered HTTP ' + response.status);
    model.file = name, model.done = 0, model.total = Number(response.headers.get('Content-Length') || -1);
    model.started = performance.now();
    const reader = response.body.getReader();
    const parts = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      model.done += value.length;
    }
    const bytes = new Uint8Array(model.done);
    let at = 0;
    for (const part of parts) bytes.set(part, at), at += part.length;
    // Only whole files are kept: a cut connection throws above and leaves nothing in the cache.
    if (cache && !cached)
      await cache.put(url, new Response(bytes, { headers: { 'Content-Length': String(bytes.length) } }));
    FS.writeFile(model.folder + '/' + name, bytes);
    return bytes;
  }

  // The files snapshot_files.hpp names: config.json, the tokenizer (tokenizer.json, else GPT-2's
  // vocab.json and merges.txt), the weights (model.safetensors, else the index and its shards).
  async function fetch_model(model) {
    const cache = typeof caches === 'undefined' ? null : await caches.open('attnlab-hub');
    FS.mkdirTree(model.folder);
    if (!(await get(model, cache, 'config.json'))) throw new Error(model.id + ' has no config.json on the Hub');
    if (!(await get(model, cache, 'tokenizer.json'))) {
      await get(model, cache, 'vocab.json');
      await get(model, cache, 'merges.txt');
    }
    if (!(await get(model, cache, 'model.safetensors'))) {
      const index = await get(model, cache, 'model.safetensors.index.json');
      if (!index) throw new Error(model.id + ' has no safetensors weights on the Hub');
      const shards = [...new Set(Object.values(JSON.parse(new TextDecoder().decode(index)).weight_map || {}))];
      for (const shard of shards) {
        if (typeof shard !== 'string' || shard.includes('/') || shard.startsWith('.'))
          throw new Error(model.id + ': its index names ' + JSON.stringify(shard));
        await get(model, cache, shard);
      }
    }
  }

  return {
    models,
    take(id) {
      const model = models[id];
      if (model && (model.state === 'failed' || model.state === 'cancelled')) delete models[id];
      return model;
    },
    start(id) {
      if (models[id]) return;
      const model = models[id] = { id, state: 'fetching', file: '', done: 0, total: -1, started: performance.now(), error: '',
                                   folder: '/hub/' + id, abort: new AbortController() };
      fetch_model(model).then(() => { model.state = 'done'; }, (e) => {
        model.state = model.abort.signal.aborted ? 'cancelled' : 'failed';
        model.error = e.message === 'Failed to fetch' ? 'cannot reach ' + endpoint() + ' for ' + id : e.message;
      });
    },
    cancel(id) {
      if (models[id] && models[id].state === 'fetching') models[id].abort.abort();
    },
  };
})();
