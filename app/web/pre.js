// Before main: the page's URL parameters become the command line of `attnlab gui`
// (?example=sentence&query=4&stage=weights → --example=sentence --query=4 --stage=weights; a parameter
// without a value, ?present, is a flag; ?endpoint=URL is the Hub's address for hub.js, HF_ENDPOINT on the
// desktop), the window takes the page's size unless ?width= or ?height= say
// otherwise, and the files kept in the browser's storage by an earlier visit come back under their paths.
(function () {
  const given = new URLSearchParams(typeof location === 'undefined' ? '' : location.search);
  const args = [];
  given.forEach((value, name) => {
    if (name === 'endpoint') Module['hubEndpoint'] = value;
    else args.push(value === '' ? '--' + name : '--' + name + '=' + value);
  });
  if (typeof window !== 'undefined') {
    if (!given.has('width')) args.push('--width=' + window.innerWidth);
    if (!given.has('height')) args.push('--height=' + window.innerHeight);
  }
  Module['arguments'] = args;
  Module['preRun'] = Module['preRun'] || [];
  Module['preRun'].push(function () {
    if (typeof localStorage === 'undefined') return;
    for (let i = 0; i < localStorage.length; ++i) {
      const key = localStorage.key(i);
      if (!key.startsWith('attnlab:/')) continue;
      const path = key.slice('attnlab:'.length);
      const text = atob(localStorage.getItem(key));
      const bytes = new Uint8Array(text.length);
      for (let j = 0; j < text.length; ++j) bytes[j] = text.charCodeAt(j);
      FS.mkdirTree(path.slice(0, path.lastIndexOf('/')) || '/');
      FS.writeFile(path, bytes);
    }
  });
})();
