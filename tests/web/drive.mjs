// Drives the web page in Debian's Chromium (headless, WebGL2 on SwiftShader) for tests/web: serves the
// built page from 127.0.0.1, runs one scenario, and leaves what it saw in OUT (screenshots, downloads,
// the console, the browser's storage, timings) for the C++ suites to check against the float64
// reference and the native attnlab. Usage: node drive.mjs SCENARIO OUT WEB_DIR NPM_DIR [FILES...]
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { createRequire } from 'module';

const [scenario, out, webDir, npmDir, ...files] = process.argv.slice(2);
const { chromium } = createRequire(path.join(npmDir, 'package.json'))('playwright-core');
fs.mkdirSync(out, { recursive: true });

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = http.createServer((request, response) => {
  const file = path.join(webDir, path.normalize(new URL(request.url, 'http://127.0.0.1').pathname));
  fs.readFile(file, (error, data) => {
    if (error || !file.startsWith(webDir)) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    response.end(data);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/attnlab.html`;

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlab-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1600, height: 900 },
  acceptDownloads: true,
  args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
         '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] || (await context.newPage());
const console_lines = [];
page.on('console', (message) => console_lines.push(message.text()));
page.on('pageerror', (error) => console_lines.push('pageerror: ' + error.message));

const frames = () => page.evaluate(() => (typeof Module !== 'undefined' && Module.attnlabFrames) || 0);
async function wait_frames(n) {
  const start = await frames();
  await page.waitForFunction((target) => (Module.attnlabFrames || 0) >= target, start + n, { timeout: 30000 });
}
async function open(query) {
  const started = Date.now();
  await page.goto(base + query);
  await page.waitForFunction(() => typeof Module !== 'undefined' && Module.attnlabFrames >= 1, null, { timeout: 30000 });
  const opened = Date.now() - started;
  await wait_frames(3);
  return opened;
}
// A key tapped for exactly one frame, as the page sees a quick tap: ImGui 1.86 reads a key's state when a
// frame starts, and one held over slow frames (a remote-controlled browser's round trips) would repeat.
// The key events go to the window, where GLFW listens, between the page's animation frames.
// A chord (Shift+G, Ctrl+Z): its keys go down in order and come up in reverse, the last one tapped alone.
const key_codes = { ArrowRight: 39, ArrowLeft: 37, Equal: 187, Minus: 189, ShiftLeft: 16, ControlLeft: 17, KeyG: 71,
                    KeyX: 88, KeyZ: 90 };
async function press(...codes) {
  await page.evaluate(async (keys) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const send = (type, [code, key_code]) => {
      const event = new KeyboardEvent(type, { code, bubbles: true, cancelable: true });
      Object.defineProperty(event, 'keyCode', { get: () => key_code });
      Object.defineProperty(event, 'which', { get: () => key_code });
      window.dispatchEvent(event);
    };
    const seen = Module.attnlabFrames;
    for (const key of keys) send('keydown', key);
    while (Module.attnlabFrames < seen + 1) await frame();
    for (const key of [...keys].reverse()) send('keyup', key);
    while (Module.attnlabFrames < seen + 3) await frame();
  }, codes.map((code) => [code, key_codes[code]]));
}
// A click where the window's layout puts a control at the page's fixed size (1600 × 900), pressed and
// released over whole frames, as ImGui sees a click.
async function click(x, y) {
  await page.mouse.move(x, y);
  await wait_frames(2);
  await page.mouse.down();
  await wait_frames(2);
  await page.mouse.up();
  await wait_frames(2);
}
async function export_downloads() {
  const downloads = [];
  page.on('download', (download) => downloads.push(download));
  // E through playwright's keyboard, a real user's gesture (a download needs one), held for two of the
  // page's frames: ImGui 1.86 reads a key's state when a frame starts, so a press and release between
  // two frames, as a busy machine makes them, would be lost.
  const seen = await frames();
  await page.keyboard.down('e');
  await page.waitForFunction((n) => Module.attnlabFrames >= n, seen + 2, { timeout: 30000 });
  await page.keyboard.up('e');
  const deadline = Date.now() + 20000;
  while (downloads.length < 4 && Date.now() < deadline) await page.waitForTimeout(100);
  fs.mkdirSync(path.join(out, 'downloads'), { recursive: true });
  for (const download of downloads) await download.saveAs(path.join(out, 'downloads', download.suggestedFilename()));
}
// A run with ?frames=N: wait for its report (the heatmap's cells and the frame times) in the console.
async function scripted(query, shot) {
  console_lines.length = 0;
  await page.goto(base + query);
  await page.waitForFunction(() => typeof Module !== 'undefined' && Module.attnlabFrames >= 1, null, { timeout: 30000 });
  const deadline = Date.now() + 30000;
  while (!console_lines.some((line) => line.includes('frame times')) && Date.now() < deadline)
    await page.waitForTimeout(100);
  await page.screenshot({ path: path.join(out, shot) });
  fs.writeFileSync(path.join(out, shot.replace('.png', '.txt')), console_lines.join('\n') + '\n');
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] || 0;

try {
  if (scenario === 'page') {
    const opened = await open('?example=sentence');
    await page.screenshot({ path: path.join(out, 'page.png') });
    await page.waitForTimeout(2000);
    const timings = await page.evaluate(() => ({ first_frame_ms: Module.attnlabFirstFrame, frame_ms: Module.attnlabFrameMs,
                                                frames: Module.attnlabFrames }));
    timings.opened_ms = opened;
    timings.frame_median_ms = median(timings.frame_ms.slice(3));
    // Frames shown per second over a second: the display's rate when each frame fits in its slot.
    const before = await frames();
    await page.waitForTimeout(1000);
    timings.frames_per_second = (await frames()) - before;
    delete timings.frame_ms;
    fs.writeFileSync(path.join(out, 'timings.json'), JSON.stringify(timings) + '\n');
    // A bad parameter: the page says what is wrong, as the command line would.
    await page.goto(base + '?example=sentence&query=99');
    await page.waitForFunction(() => document.getElementById('messages').textContent.length > 0, null, { timeout: 30000 });
    fs.writeFileSync(path.join(out, 'messages.txt'), await page.textContent('#messages'));
    // A real model's error, as the command line words it.
    await page.goto(base + '?example=induction&layer=2');
    await page.waitForFunction(() => document.getElementById('messages').textContent.length > 0, null, { timeout: 30000 });
    fs.writeFileSync(path.join(out, 'model.txt'), await page.textContent('#messages'));
  } else if (scenario === 'keys') {
    // The browser asks for reduced motion (the system's setting): each key's stage shows at once, so the
    // pictures taken three frames after a key are the stages still.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await scripted('?example=sentence&stage=weights&frames=8', 'url-weights.png');
    await open('?example=sentence');
    await page.screenshot({ path: path.join(out, 'scores.png') });
    await press('ArrowRight');
    await page.screenshot({ path: path.join(out, 'scaled.png') });
    await press('ArrowRight');
    await press('ArrowRight');
    await page.screenshot({ path: path.join(out, 'weights.png') });
    await press('Equal');
    await page.screenshot({ path: path.join(out, 'dk-up.png') });
    await press('Minus');
    await press('Minus');
    await page.screenshot({ path: path.join(out, 'dk-down.png') });
  } else if (scenario === 'heatmap') {
    await scripted('?example=sentence&mask=causal&stage=weights&frames=8', 'weights.png');
  } else if (scenario === 'wheel') {
    // One notch of a mouse wheel over the heatmap of a live page (a scripted run ignores the pointer):
    // where the cells are from a scripted run of the same page, then the picture before and after.
    const query = '?random&lq=64&lk=64&stage=scores';
    await scripted(query + '&frames=8', 'whole.png');
    const whole = console_lines.find((line) => line.includes('heatmap cells at'));
    const [, x, y, size, rows] = whole.match(/x=([\d.]+) y=([\d.]+) size=([\d.]+) rows=(\d+)/).map(Number);
    await open(query);
    await page.mouse.move(x + size * rows / 2, y + size * rows / 2);
    await wait_frames(2);  // the window has seen the pointer over the cells
    await page.screenshot({ path: path.join(out, 'before.png') });
    await page.mouse.wheel(0, -100);  // one notch up, as Chromium reports it: 100 pixels
    await wait_frames(3);
    await page.screenshot({ path: path.join(out, 'notch.png') });
  } else if (scenario === 'export') {
    await open('?example=sentence&mask=causal&query=4&stage=weights');
    // Export (E) by a real key press: a download needs the user's gesture.
    await export_downloads();
  } else if (scenario === 'storage') {
    await page.emulateMedia({ reducedMotion: 'reduce' });  // the picture before the reload is the stage still
    await open('');
    await press('ArrowRight');
    await press('ArrowRight');
    await page.screenshot({ path: path.join(out, 'before.png') });
    await page.reload();
    await page.waitForFunction(() => typeof Module !== 'undefined' && Module.attnlabFrames >= 3, null, { timeout: 30000 });
    await page.screenshot({ path: path.join(out, 'after.png') });
    const kept = await page.evaluate(() => Object.fromEntries(
        Object.keys(localStorage).filter((k) => k.startsWith('attnlab:')).map((k) => [k, atob(localStorage.getItem(k))])));
    fs.writeFileSync(path.join(out, 'storage.json'), JSON.stringify(kept) + '\n');
  } else if (scenario === 'files') {
    // Source "files" in the inputs panel, each of Q, K, V through Open… and the browser's file picker,
    // Load, then Export: the weights come back as a download. The window's layout is fixed at this size,
    // so the controls are where the numbers below say (the source combo's third item is "files"; the
    // toolbar takes two rows, with the soft-cap and sink boxes).
    await open('?example=sentence');
    await click(110, 114);
    await click(60, 190);
    for (const [y, file] of [[144, files[0]], [174, files[1]], [204, files[2]]]) {
      const chooser = page.waitForEvent('filechooser');
      await click(41, y);
      await (await chooser).setFiles(file);
      await wait_frames(3);
    }
    await click(58, 234);
    await page.screenshot({ path: path.join(out, 'files.png') });
    await export_downloads();
  } else if (scenario === 'model') {
    // The shipped tiny model, embedded in the page: its induction head.
    await scripted('?example=induction&layer=1&head=2&stage=weights&frames=8', 'induction.png');
    // A model folder through the browser's folder picker: on the shipped model (the source is "model"), Open
    // folder… is the first control under the source (the toolbar takes two rows with a model's head
    // controls); the picked folder runs on the same sentence, then Export.
    await open('?example=induction&stage=weights');
    await page.screenshot({ path: path.join(out, 'model-source.png') });
    const chooser = page.waitForEvent('filechooser');
    await click(60, 144);
    await (await chooser).setFiles(files[0]);
    // The folder is in the page once the window has taken its path (Module.attnlabPicked made, then emptied),
    // and its model has run two frames later: one says that it loads, the next runs it.
    await page.waitForFunction(() => Module.attnlabPicked && !('model' in Module.attnlabPicked), null,
                               { timeout: 30000 });
    await wait_frames(4);
    await page.screenshot({ path: path.join(out, 'picked.png') });
    await export_downloads();
  } else if (scenario === 'generate') {
    // Shift+G on a model (the query FILES[0]) with the page's frame budget at FILES[1] ms (0: a part of a
    // token per frame), after the key FILES[2] if given (KeyX: the selected head knocked out): the page's
    // generation state as it was after every frame, then Ctrl+Z.
    const [query, budget, first_key] = files;
    await open(query);
    if (first_key) await press(first_key);
    await page.evaluate((budget) => {
      Module.attnlabBudgetMs = Number(budget);
      Module.attnlabSeen = [];
      // After each of the page's frames (a frame's callbacks run in the order they asked, every frame).
      const watch = () => {
        const g = Module.attnlabGeneration;
        if (g) Module.attnlabSeen.push({ frame: Module.attnlabFrames, made: g.made, asked: g.asked, running: g.running,
                                         part: g.part, parts: g.parts, length: g.ids.length });
        requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
    }, budget);
    await wait_frames(2);
    const prompt = await page.evaluate(() => Module.attnlabGeneration.ids);
    const frames_before = await frames();
    await press('ShiftLeft', 'KeyG');
    await page.waitForFunction(() => Module.attnlabGeneration.made > 0 && !Module.attnlabGeneration.running, null,
                               { timeout: 120000 });
    await page.screenshot({ path: path.join(out, 'generated.png') });
    const generated = await page.evaluate(() => Module.attnlabGeneration);
    const frame_ms = await page.evaluate((n) => Module.attnlabFrameMs.slice(-(Module.attnlabFrames - n)), frames_before);
    await press('ControlLeft', 'KeyZ');
    await wait_frames(2);
    const undone = await page.evaluate(() => Module.attnlabGeneration.ids);
    const seen = await page.evaluate(() => Module.attnlabSeen);
    fs.writeFileSync(path.join(out, 'generate.json'), JSON.stringify({ prompt, generated, undone, seen, frame_ms }) + '\n');
  } else if (scenario === 'generate-frames') {
    // The README's figure, no test: a model folder (FILES[0]) through the folder picker on the shipped model's
    // sentence, then Shift+G, and the page's frame times (ms of the frame's own work) from the key until
    // FILES[1] frames have passed or, on a page that says how generation goes, until it is done.
    const [folder, count] = files;
    await open('?example=induction&stage=weights');
    const chooser = page.waitForEvent('filechooser');
    await click(60, 144);
    await (await chooser).setFiles(folder);
    await page.waitForFunction(() => Module.attnlabPicked && !('model' in Module.attnlabPicked), null,
                               { timeout: 120000 });
    await wait_frames(8);
    const frames_before = await frames();
    await press('ShiftLeft', 'KeyG');
    if (await page.evaluate(() => Module.attnlabGeneration !== undefined)) {  // the bar, a token halfway
      await page.waitForFunction(() => Module.attnlabGeneration.made > 0 && Module.attnlabGeneration.part > 5, null,
                                 { timeout: 600000, polling: 'raf' });
      await page.screenshot({ path: path.join(out, 'bar.png') });
    }
    await page.waitForFunction(([n, count]) => Module.attnlabGeneration
        ? Module.attnlabGeneration.made > 0 && !Module.attnlabGeneration.running
        : Module.attnlabFrames >= n + count, [frames_before, Number(count)], { timeout: 600000, polling: 100 });
    await wait_frames(3);
    const frame_ms = await page.evaluate((n) => Module.attnlabFrameMs.slice(-(Module.attnlabFrames - n)), frames_before);
    const generation = await page.evaluate(() => Module.attnlabGeneration || null);
    fs.writeFileSync(path.join(out, 'generate-frames.json'), JSON.stringify({ frame_ms, generation }) + '\n');
  } else if (scenario === 'hub') {
    // A Hub id in the URL, fetched from the tests' fake Hub (FILES[0], its endpoint) while the window runs;
    // Export then downloads its weights. A second visit finds every file in the browser's Cache Storage:
    // the requests that leave the page's own server are counted on each visit.
    const [endpoint] = files;
    const page_origin = new URL(base).origin;
    let requests = [];
    page.on('request', (request) => { if (!request.url().startsWith(page_origin)) requests.push(request.url()); });
    const query = '?model=org/tiny&text=ab%20ab%20ab%20ab&stage=weights&endpoint=' + encodeURIComponent(endpoint);
    const fetched = () => page.waitForFunction(
        () => Module.attnlabHub.models['org/tiny'] && Module.attnlabHub.models['org/tiny'].state !== 'fetching', null,
        { timeout: 60000 });
    const visit = async (name) => {
      await fetched();
      await wait_frames(6);
      fs.writeFileSync(path.join(out, name + '.json'), JSON.stringify({
        state: await page.evaluate(() => Module.attnlabHub.models['org/tiny'].state),
        error: await page.evaluate(() => Module.attnlabHub.models['org/tiny'].error),
        requests }) + '\n');
      await page.screenshot({ path: path.join(out, name + '.png') });
    };
    await open(query);
    await visit('first');
    await export_downloads();
    requests = [];
    await page.reload();
    await page.waitForFunction(() => typeof Module !== 'undefined' && Module.attnlabFrames >= 1, null, { timeout: 30000 });
    await visit('second');
  } else {
    throw new Error('unknown scenario ' + scenario);
  }
} finally {
  fs.writeFileSync(path.join(out, 'console.txt'), console_lines.join('\n') + '\n');
  await context.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
