// The results page: plain browser JavaScript over the query API, no build step.
'use strict';

(() => {
  const TOKEN_KEY = 'simstream.token';
  // Patches are cropped from the thumbnail, so it is fetched larger than a tile.
  const THUMBNAIL_SIZE = 384;
  // Ids travel in the query string; the API refuses request lines over 8 KiB.
  const MAX_IDS_URL_CHARS = 6000;

  const $ = (id) => document.getElementById(id);
  const grid = $('grid');
  const state = { runs: [], run: null, query: null, seq: 0, images: new Map() };

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  function authHeaders() {
    return token() ? { Authorization: 'Bearer ' + token() } : {};
  }

  async function api(method, path, body) {
    const headers = authHeaders();
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) {
      let message = response.statusText;
      try {
        message = (await response.json()).error || message;
      } catch (ignored) {
        // not the API's JSON error shape
      }
      throw new Error(response.status + ': ' + message);
    }
    return response.json();
  }

  function setStatus(text, kind) {
    $('status').textContent = text;
    $('status').dataset.state = kind;
  }

  function dataset() {
    return $('dataset').value;
  }

  function runPath(action) {
    return '/v1/datasets/' + encodeURIComponent(dataset()) + '/similarity/'
      + encodeURIComponent(state.run.brainKey) + '/' + action;
  }

  function k() {
    const value = parseInt($('k').value, 10);
    return Number.isFinite(value) && value > 0 ? Math.min(value, 10000) : 48;
  }

  function fillSelect(select, values, wanted, label) {
    select.replaceChildren(...values.map((value) => new Option(label ? label(value) : value, value)));
    if (values.includes(wanted)) {
      select.value = wanted;
    }
  }

  function remember() {
    const params = new URLSearchParams();
    if (dataset()) params.set('dataset', dataset());
    if (state.run) params.set('run', state.run.brainKey);
    history.replaceState(null, '', '?' + params.toString());
  }

  async function loadDatasets() {
    try {
      const { datasets } = await api('GET', '/v1/datasets');
      const wanted = new URLSearchParams(location.search).get('dataset');
      fillSelect($('dataset'), datasets.map((d) => d.name), wanted);
      if (datasets.length === 0) {
        setStatus('No datasets are registered yet.', 'idle');
        return;
      }
      await loadRuns(new URLSearchParams(location.search).get('run'));
    } catch (e) {
      setStatus(e.message.startsWith('401') ? 'This API needs a token: enter it above.' : e.message, 'error');
    }
  }

  async function loadRuns(wanted) {
    const { runs } = await api('GET', '/v1/similarity?dataset=' + encodeURIComponent(dataset()));
    state.runs = runs;
    fillSelect($('run'), runs.map((r) => r.brainKey), wanted, (key) => {
      const run = runs.find((r) => r.brainKey === key);
      return key + (run.patchesField ? ' (patches: ' + run.patchesField + ')' : '') + ' · ' + run.model;
    });
    if (runs.length === 0) {
      state.run = null;
      grid.replaceChildren();
      setStatus('Dataset ' + dataset() + ' has no similarity runs.', 'idle');
      return;
    }
    await selectRun();
  }

  async function selectRun() {
    state.run = state.runs.find((r) => r.brainKey === $('run').value);
    $('prompt').disabled = !state.run.supportsPrompts;
    $('prompt-go').disabled = !state.run.supportsPrompts;
    $('prompt').placeholder = state.run.supportsPrompts ? 'a text prompt' : 'this run takes no prompts';
    remember();
    await browse();
  }

  /** The first k documents of the index, in index order: something to click on. */
  function browse() {
    state.query = null;
    return show(async () => (await api('POST', runPath('embeddings'), { pageSize: k(), singlePage: true })).embeddings
      .map((e) => ({ id: e.id, sampleId: e.sampleId, labelId: e.labelId })), 'browse');
  }

  function search(query) {
    state.query = query;
    const reverse = $('reverse').checked;
    const label = (query.text !== undefined ? 'text:' + query.text : 'id:' + query.id) + (reverse ? ' reverse' : '');
    return show(async () => (await api('POST', runPath('sort-by-similarity'),
      Object.assign({ k: k(), reverse }, query))).hits, label);
  }

  /** Fetches items, then draws them; a later call supersedes an earlier one still under way. */
  async function show(fetchItems, label) {
    const seq = ++state.seq;
    grid.dataset.state = 'loading';
    setStatus('Loading…', 'loading');
    try {
      const items = await fetchItems();
      const boxes = state.run.patchesField ? await patchBoxes(items) : new Map();
      if (seq !== state.seq) return;
      const tiles = items.map((item) => tile(item, boxes.get(item.labelId)));
      grid.replaceChildren(...tiles.map((t) => t.element));
      await Promise.all(tiles.map((t) => t.drawn));
      if (seq !== state.seq) return;
      grid.dataset.query = label;
      grid.dataset.seq = String(seq);
      grid.dataset.state = 'ready';
      setStatus(items.length + (state.query ? ' results for ' + label : ' documents of ' + state.run.brainKey
        + ': click one to sort by similarity'), 'ready');
    } catch (e) {
      if (seq !== state.seq) return;
      grid.dataset.state = 'error';
      setStatus(e.message, 'error');
    }
  }

  /** Boxes and labels of the hits' patches, by label id, read from the run's index in URL-sized batches. */
  async function patchBoxes(items) {
    const ids = [...new Set(items.map((i) => i.id))];
    const batches = [];
    let batch = [];
    let length = 0;
    for (const id of ids) {
      const part = 'id=' + encodeURIComponent(id) + '&';
      if (batch.length > 0 && length + part.length > MAX_IDS_URL_CHARS) {
        batches.push(batch);
        batch = [];
        length = 0;
      }
      batch.push(part);
      length += part.length;
    }
    if (batch.length > 0) batches.push(batch);
    const boxes = new Map();
    const answers = await Promise.all(batches.map((b) => api('GET', runPath('documents') + '?' + b.join(''))));
    for (const answer of answers) {
      for (const document of answer.documents) {
        if (document.boundingBox) {
          boxes.set(document.id, document);
        }
      }
    }
    return boxes;
  }

  /**
   * The sample's thumbnail as an ImageBitmap, fetched once per page load (with the token) through
   * the run's index, which knows the image of each document (`id`: any document of the sample).
   */
  function image(sampleId, id) {
    const key = dataset() + '/' + sampleId;
    if (!state.images.has(key)) {
      const url = runPath('thumbnail') + '?size=' + THUMBNAIL_SIZE + '&id=' + encodeURIComponent(id);
      state.images.set(key, fetch(url, { headers: authHeaders() }).then(async (response) => {
        if (!response.ok) {
          let message = response.statusText;
          try {
            message = (await response.json()).error || message;
          } catch (ignored) {
            // not JSON
          }
          throw new Error(message);
        }
        return createImageBitmap(await response.blob());
      }));
    }
    return state.images.get(key);
  }

  function tile(item, patch) {
    const element = document.createElement('figure');
    element.className = 'tile';
    element.dataset.id = item.id;
    element.dataset.sampleId = item.sampleId;
    if (state.query && state.query.id === item.id) element.classList.add('query');
    const frame = document.createElement('div');
    frame.className = 'frame';
    const caption = document.createElement('figcaption');
    const name = patch && patch.label ? patch.label + ' · ' + item.sampleId : item.id;
    caption.textContent = name;
    caption.title = item.id;
    if (item.distance !== undefined) {
      const distance = document.createElement('span');
      distance.className = 'distance';
      distance.textContent = item.distance.toFixed(4);
      caption.prepend(distance);
    }
    element.append(frame, caption);
    element.addEventListener('click', () => search({ id: item.id }));
    const drawn = image(item.sampleId, item.id).then((bitmap) => {
      const crop = item.labelId ? patch : null;
      frame.append(draw(bitmap, crop));
      element.dataset.rendered = crop ? 'crop' : 'image';
    }).catch((e) => {
      const missing = document.createElement('div');
      missing.className = 'missing';
      missing.textContent = 'no image';
      missing.title = e.message;
      frame.append(missing);
      element.dataset.rendered = 'missing';
    });
    return { element, drawn };
  }

  /** The whole thumbnail, or the patch's box cut out of it (boxes are relative [x, y, w, h]). */
  function draw(bitmap, patch) {
    const canvas = document.createElement('canvas');
    let [sx, sy, sw, sh] = [0, 0, bitmap.width, bitmap.height];
    if (patch) {
      const [x, y, w, h] = patch.boundingBox;
      sx = x * bitmap.width;
      sy = y * bitmap.height;
      sw = Math.max(1, w * bitmap.width);
      sh = Math.max(1, h * bitmap.height);
      canvas.dataset.box = patch.boundingBox.join(',');
    }
    canvas.width = Math.round(sw);
    canvas.height = Math.round(sh);
    canvas.getContext('2d').drawImage(bitmap, sx, sy, sw, sh, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  $('token').value = token();
  $('token').addEventListener('change', () => {
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    state.images.clear();
    loadDatasets();
  });
  $('dataset').addEventListener('change', () => loadRuns(null).catch((e) => setStatus(e.message, 'error')));
  $('run').addEventListener('change', selectRun);
  $('reverse').addEventListener('change', () => (state.query ? search(state.query) : null));
  $('k').addEventListener('change', () => (state.query ? search(state.query) : browse()));
  $('reset').addEventListener('click', () => state.run && browse());
  $('prompt-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('prompt').value.trim();
    if (text && state.run && state.run.supportsPrompts) search({ text });
  });
  loadDatasets();
})();
