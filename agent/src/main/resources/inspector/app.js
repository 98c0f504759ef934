'use strict';
// Burrow inspector: the live list of captured exchanges (server-sent events), a detail view, filters and replay.
// Talks only to this agent's API (same origin); no build step, no dependencies.
(function () {
  const LIST_LIMIT = 500;
  const exchanges = new Map();          // id -> exchange JSON
  let order = [];                       // ids, newest first
  let selected = null;
  const $ = (sel, root) => (root || document).querySelector(sel);
  const tbody = $('#list tbody');

  function api(method, path, body) {
    const options = { method, headers: {} };
    if (body !== undefined) { options.headers['Content-Type'] = 'application/json'; options.body = JSON.stringify(body); }
    return fetch(path, options).then(async r => {
      if (r.status === 204) return null;
      const json = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(json.msg || ('HTTP ' + r.status));
      return json;
    });
  }

  function add(exchange, atTop) {
    if (exchanges.has(exchange.id)) return;
    exchanges.set(exchange.id, exchange);
    if (atTop) order.unshift(exchange.id); else order.push(exchange.id);
    if (order.length > LIST_LIMIT) exchanges.delete(order.pop());
  }

  function reload() {
    return api('GET', '/api/requests/http?limit=' + LIST_LIMIT).then(json => {
      exchanges.clear(); order = [];
      json.requests.forEach(e => add(e, false));
      render();
    });
  }

  function statusOf(e) { return e.response ? e.response.status_code : 0; }
  function pathOf(e) { const u = e.request.uri; const q = u.indexOf('?'); return q < 0 ? u : u.slice(0, q); }
  function size(e) { return e.response ? e.response.body.size : 0; }
  function human(bytes) { return bytes < 1024 ? bytes + ' B' : bytes < 1048576 ? (bytes / 1024).toFixed(1) + ' KiB' : (bytes / 1048576).toFixed(1) + ' MiB'; }
  function ms(nanos) { const m = nanos / 1e6; return m < 10 ? m.toFixed(2) + ' ms' : Math.round(m) + ' ms'; }

  function visible(e) {
    const path = $('#filter-path').value.trim();
    const status = $('#filter-status').value;
    const tunnel = $('#filter-tunnel').value;
    if (path && !e.request.uri.includes(path)) return false;
    if (tunnel && e.tunnel_name !== tunnel) return false;
    if (status === 'error') return !e.response || !!e.error;
    if (status) return String(statusOf(e)).charAt(0) === status;
    return true;
  }

  function render() {
    tbody.textContent = '';
    let shown = 0;
    for (const id of order) {
      const e = exchanges.get(id);
      if (!visible(e)) continue;
      shown++;
      const tr = document.createElement('tr');
      tr.className = 'row' + (id === selected ? ' selected' : '');
      tr.dataset.id = id;
      const status = statusOf(e);
      const cells = [new Date(e.start).toLocaleTimeString(), e.request.method, pathOf(e),
        status ? e.response.status : 'failed', ms(e.duration), human(size(e))];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i === 2) { td.className = 'path'; td.title = e.request.uri; }
        if (i === 3) td.className = 'status s' + String(status).charAt(0);
        tr.appendChild(td);
      });
      if (e.replay_of) { const b = document.createElement('span'); b.className = 'badge-replay'; b.textContent = 'replay'; tr.children[2].prepend(b, ' '); }
      tr.addEventListener('click', () => select(id));
      tbody.appendChild(tr);
    }
    $('#empty').hidden = shown > 0;
  }

  function decode(base64) {
    const bin = atob(base64 || '');
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  function header(headers, name) {
    for (const key of Object.keys(headers || {})) if (key.toLowerCase() === name) return headers[key][0];
    return '';
  }

  function hexdump(bytes) {
    const lines = [];
    for (let off = 0; off < bytes.length; off += 16) {
      const chunk = bytes.slice(off, off + 16);
      const hex = Array.from(chunk, b => b.toString(16).padStart(2, '0')).join(' ');
      const ascii = Array.from(chunk, b => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
      lines.push(off.toString(16).padStart(8, '0') + '  ' + hex.padEnd(48) + '  ' + ascii);
    }
    return lines.join('\n');
  }

  function showBody(container, body, headers) {
    container.textContent = '';
    const note = document.createElement('div');
    note.className = 'note';
    if (!body || body.size === 0) { note.textContent = 'no body'; container.appendChild(note); return; }
    const bytes = decode(body.base64);
    const type = header(headers, 'content-type').toLowerCase();
    note.textContent = human(body.size) + (body.truncated ? ' (first ' + human(body.captured) + ' kept)' : '') + (type ? ' · ' + type : '');
    const pre = document.createElement('pre');
    let text = null;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch (err) { text = null; }
    if (text !== null && (type.includes('json') || /^\s*[\[{]/.test(text))) {
      try { text = JSON.stringify(JSON.parse(text), null, 2); pre.className = 'json'; } catch (err) { /* not complete JSON: show as text */ }
    }
    if (text !== null && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) { pre.textContent = text; if (!pre.className) pre.className = 'text'; }
    else { pre.textContent = hexdump(bytes); pre.className = 'hex'; }
    container.append(note, pre);
  }

  function showHeaders(table, headers) {
    table.textContent = '';
    for (const name of Object.keys(headers || {})) {
      for (const value of headers[name]) {
        const tr = table.insertRow();
        tr.insertCell().textContent = name;
        tr.insertCell().textContent = value;
      }
    }
  }

  function select(id) {
    selected = id;
    render();
    api('GET', '/api/requests/http/' + encodeURIComponent(id)).then(showDetail).catch(err => {
      $('#detail').textContent = err.message;
    });
  }

  function showDetail(e) {
    const detail = $('#detail');
    detail.className = '';
    detail.textContent = '';
    detail.dataset.id = e.id;
    detail.appendChild($('#detail-template').content.cloneNode(true));
    $('.method', detail).textContent = e.request.method;
    $('.uri', detail).textContent = e.request.uri;
    const status = $('.status', detail);
    status.textContent = e.response ? e.response.status : 'failed';
    status.className = 'status s' + String(statusOf(e)).charAt(0);
    $('.duration', detail).textContent = ms(e.duration);
    if (e.replay_of) { const r = $('.replay-of', detail); r.className = 'replay-of badge-replay'; r.textContent = 'replay of ' + e.replay_of; }
    if (e.error) $('.error-line', detail).textContent = e.error;
    if (e.policy_trail && e.policy_trail.length) {
      $('.policy', detail).hidden = false;
      const list = $('.policy-trail', detail);
      for (const line of e.policy_trail) { const li = document.createElement('li'); li.textContent = line; list.appendChild(li); }
    }
    showHeaders($('.request-headers', detail), e.request.headers);
    showBody($('.request-body', detail), e.request.body, e.request.headers);
    if (e.response) {
      showHeaders($('.response-headers', detail), e.response.headers);
      showBody($('.response-body', detail), e.response.body, e.response.headers);
    } else {
      $('.response-body', detail).textContent = 'no response';
    }
    $('#replay', detail).addEventListener('click', () => replay({ id: e.id }));
    const form = $('#replay-form', detail);
    $('#replay-edit', detail).addEventListener('click', () => {
      form.hidden = !form.hidden;
      form.method.value = e.request.method;
      form.uri.value = e.request.uri;
      form.headers.value = Object.keys(e.request.headers).flatMap(n => e.request.headers[n].map(v => n + ': ' + v)).join('\n');
      form.body.value = e.request.body.truncated ? '' : new TextDecoder().decode(decode(e.request.body.base64));
    });
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      const headers = {};
      form.headers.value.split('\n').map(l => l.trim()).filter(Boolean).forEach(line => {
        const colon = line.indexOf(':');
        if (colon > 0) (headers[line.slice(0, colon).trim()] = headers[line.slice(0, colon).trim()] || []).push(line.slice(colon + 1).trim());
      });
      replay({ id: e.id, method: form.method.value, uri: form.uri.value, headers, body: form.body.value }, $('.form-error', form));
    });
  }

  function replay(body, errorTarget) {
    const target = errorTarget || $('.error-line', $('#detail'));
    target.textContent = '';
    api('POST', '/api/requests/http', body).catch(err => { target.textContent = 'replay failed: ' + err.message; });
  }

  function connect() {
    const events = new EventSource('/api/requests/http/events');
    const live = $('#live');
    events.onopen = () => { live.textContent = 'live'; live.className = 'live'; reload(); };
    events.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'live off'; };
    events.addEventListener('exchange', ev => { add(JSON.parse(ev.data), true); render(); });
    events.addEventListener('cleared', () => { exchanges.clear(); order = []; render(); });
    events.addEventListener('resync', () => reload());
  }

  function loadTunnels() {
    api('GET', '/api/tunnels').then(json => {
      const box = $('#tunnels');
      const select = $('#filter-tunnel');
      box.textContent = '';
      json.tunnels.forEach(t => {
        const a = document.createElement('a');
        a.href = t.public_url; a.target = '_blank'; a.rel = 'noopener';
        a.textContent = t.name + ': ' + t.public_url + ' → ' + t.config.addr;
        box.appendChild(a);
        if (![...select.options].some(o => o.value === t.name)) select.add(new Option(t.name, t.name));
      });
    }).catch(() => {});
  }

  ['#filter-path', '#filter-status', '#filter-tunnel'].forEach(sel => $(sel).addEventListener('input', render));
  $('#clear').addEventListener('click', () => api('DELETE', '/api/requests/http').then(() => { exchanges.clear(); order = []; render(); }));
  loadTunnels();
  setInterval(loadTunnels, 5000);
  connect();
})();
