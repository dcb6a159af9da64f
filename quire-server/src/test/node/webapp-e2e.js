'use strict';
// End-to-end tests of the web app in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core: no browser download), against a real Quire server.
//
//   node webapp-e2e.js <base-url> <screenshot-dir> <scenario>
//
// Prints one JSON line {"scenario","ok","ms"[,"error"]}; exits 1 if it failed, after saving a
// screenshot of every open page in <screenshot-dir>. Nothing sleeps: every wait is for a condition
// in the page, with a deadline.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const {chromium} = require('playwright-core');

const [base, shots, scenario] = process.argv.slice(2);
const DEADLINE = 20000;
const SAVED = 'All changes saved';
const OFFLINE = 'Offline — your changes are kept and will be sent';
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

async function api(method, url, body) {
  const res = await fetch(base + url, {
    method,
    headers: body === undefined ? {} : {'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

class Run {
  constructor(browser) {
    this.browser = browser;
    this.pages = [];
  }

  /** A person in a browser context of their own (own storage, own socket), named in the app. */
  async person(name) {
    const context = await this.browser.newContext({viewport: {width: 1200, height: 800}});
    await context.addInitScript((n) => localStorage.setItem('quire.name', n), name);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${name}] page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && console.error(`[${name}] console: ${m.text()}`));
    const p = {name, context, page};
    this.pages.push(p);
    return p;
  }

  /** Opens document `id` and waits until it is loaded, editable and saved. */
  async open(p, id) {
    await p.page.goto(`${base}/d/${id}`);
    await p.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    await syncIs(p, SAVED);
  }

  async screenshots() {
    fs.mkdirSync(shots, {recursive: true});
    for (const p of this.pages) {
      const file = path.join(shots, `${scenario}-${p.name}.png`);
      await p.page.screenshot({path: file, fullPage: true}).catch(() => {});
      console.error(`screenshot: ${file}`);
    }
  }
}

const editorText = (p) => p.page.locator('.ql-editor').innerText();

async function syncIs(p, label) {
  await p.page.waitForFunction(
      (l) => document.querySelector('[data-testid="sync-state"]')?.textContent === l, label, {timeout: DEADLINE});
}

/** Waits until `pred(text of p's editor)` holds. */
async function textMatches(p, pred, what) {
  const deadline = Date.now() + DEADLINE;
  let last;
  while (Date.now() < deadline) {
    last = await editorText(p);
    if (pred(last)) return last;
    await p.page.waitForFunction((before) => document.querySelector('.ql-editor')?.innerText !== before, last,
        {timeout: Math.max(1, deadline - Date.now())}).catch(() => {});
  }
  throw new Error(`${p.name}'s editor never showed ${what}; it shows ${JSON.stringify(last)}`);
}

/** Both editors end with the same text, which `pred` accepts. */
async function converge(a, b, pred, what) {
  const deadline = Date.now() + DEADLINE;
  while (Date.now() < deadline) {
    const ta = await textMatches(a, pred, what);
    const tb = await textMatches(b, pred, what);
    if (ta === tb && ta === await editorText(a)) return ta;
  }
  throw new Error(`the editors did not converge on ${what}: ${JSON.stringify(await editorText(a))} vs ${JSON.stringify(await editorText(b))}`);
}

/** A new document titled `title`, open in the browsers of Ann and Bob. */
async function twoPeopleIn(run, title) {
  const id = await newDoc(title);
  const ann = await run.person('Ann');
  const bob = await run.person('Bob');
  await run.open(ann, id);
  await run.open(bob, id);
  return {id, ann, bob};
}

/** Waits for `promise`, failing after the deadline. */
async function within(promise, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${DEADLINE} ms`)), DEADLINE);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Signs up on the sign-in page (a server with accounts) and waits for the home page. */
async function signUp(p, name) {
  await p.page.goto(base + '/');
  await p.page.getByRole('button', {name: 'Create an account'}).click();
  await p.page.getByLabel('Name', {exact: true}).fill(name);
  await p.page.getByLabel(/^Password/).fill('correct horse battery');
  await p.page.getByRole('button', {name: 'Sign up'}).click();
  await p.page.getByRole('heading', {name: 'Documents'}).waitFor({timeout: DEADLINE});
}

async function newDoc(title) {
  return (await api('POST', '/api/documents', {title})).document.id;
}

const scenarios = {
  // Two people type into the same paragraph at once: both edits survive, identically, and each
  // sees the other's cursor (with their name) and avatar.
  'concurrent-typing': async (run) => {
    const {ann, bob} = await twoPeopleIn(run, 'Concurrent');
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Hello world');
    await textMatches(bob, (t) => t.includes('Hello world'), '"Hello world"');
    await bob.page.locator('.ql-editor').click();
    await bob.page.keyboard.press('End');
    await ann.page.keyboard.press('Home');
    await Promise.all([
      ann.page.keyboard.type('Ann says: ', {delay: 15}),
      bob.page.keyboard.type(' and Bob agrees', {delay: 15}),
    ]);
    const final = await converge(ann, bob,
        (t) => t.includes('Ann says: ') && t.includes(' and Bob agrees') && t.includes('Hello world'), 'both edits');
    assert.equal(final.trim().split('\n').length, 1, `one paragraph expected: ${JSON.stringify(final)}`);
    for (const [me, other] of [[ann, bob], [bob, ann]]) {
      await me.page.locator('.ql-cursor .ql-cursor-name', {hasText: other.name}).first().waitFor({state: 'attached', timeout: DEADLINE});
      await me.page.locator(`.avatars [aria-label="${other.name}"]`).waitFor({timeout: DEADLINE});
    }
    await syncIs(ann, SAVED);
    await syncIs(bob, SAVED);
  },

  // Bold from the keyboard and italic from the toolbar, applied by one, show for the other.
  'formatting-shows-for-the-other': async (run) => {
    const {ann, bob} = await twoPeopleIn(run, 'Formatting');
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Make me bold');
    await ann.page.keyboard.press(`${MOD}+A`);
    await ann.page.keyboard.press(`${MOD}+B`);
    await bob.page.locator('.ql-editor strong', {hasText: 'Make me bold'}).waitFor({timeout: DEADLINE});
    await ann.page.locator('.ql-toolbar button.ql-italic').click();
    await bob.page.locator('.ql-editor em', {hasText: 'Make me bold'}).waitFor({timeout: DEADLINE});
    await ann.page.locator('.ql-toolbar .ql-header .ql-picker-label').click();
    await ann.page.locator('.ql-toolbar .ql-header .ql-picker-item[data-value="2"]').click();
    await bob.page.locator('.ql-editor h2', {hasText: 'Make me bold'}).waitFor({timeout: DEADLINE});
  },

  // Offline, a person keeps typing; back online, the edits arrive and the state goes from
  // "Offline" to "All changes saved".
  'offline-edits-arrive': async (run) => {
    const {ann, bob} = await twoPeopleIn(run, 'Offline');
    await ann.page.evaluate(() => {
      window.__states = [];
      const el = document.querySelector('[data-testid="sync-state"]');
      new MutationObserver(() => window.__states.push(el.textContent)).observe(el, {subtree: true, childList: true, characterData: true});
    });
    await ann.context.setOffline(true);
    await syncIs(ann, OFFLINE);
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Typed on the train');
    await syncIs(ann, OFFLINE);
    assert.ok(!(await editorText(bob)).includes('Typed on the train'), 'the edit reached Bob while Ann was offline');
    await ann.context.setOffline(false);
    await textMatches(bob, (t) => t.includes('Typed on the train'), 'the offline edit');
    await syncIs(ann, SAVED);
    const states = await ann.page.evaluate(() => window.__states);
    const offline = states.indexOf(OFFLINE);
    assert.ok(offline >= 0, `never showed Offline: ${JSON.stringify(states)}`);
    assert.ok(states.lastIndexOf(SAVED) > offline, `never went from Offline to saved: ${JSON.stringify(states)}`);
    await converge(ann, bob, (t) => t.includes('Typed on the train'), 'the offline edit');
  },

  // Undo takes back only one's own typing, never the other person's.
  'undo-keeps-the-others-text': async (run) => {
    const {ann, bob} = await twoPeopleIn(run, 'Undo');
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Ann wrote this.');
    await textMatches(bob, (t) => t.includes('Ann wrote this.'), "Ann's text");
    await bob.page.locator('.ql-editor').click();
    await bob.page.keyboard.press(`${MOD}+End`);
    await bob.page.keyboard.press('Enter');
    await bob.page.keyboard.type('Bob wrote that.');
    await textMatches(ann, (t) => t.includes('Bob wrote that.'), "Bob's text");
    // Ann undoes until her typing is gone (one step, unless a slow machine split her typing
    // into several), then three times more: her history holds only her changes, so no number of
    // undos can take Bob's text.
    const annLeft = (t) => t.replace('Bob wrote that.', '').trim();
    await ann.page.locator('.ql-editor').focus();
    for (let i = 0; i < 20 && annLeft(await editorText(ann)) !== ''; i++) {
      const before = await editorText(ann);
      await ann.page.keyboard.press(`${MOD}+Z`);
      await textMatches(ann, (t) => t !== before, 'a change after undo');
    }
    for (let i = 0; i < 3; i++) await ann.page.keyboard.press(`${MOD}+Z`);
    await converge(ann, bob, (t) => t.includes('Bob wrote that.') && annLeft(t) === '', "Bob's text without Ann's");
    for (let i = 0; i < 20 && !(await editorText(ann)).includes('Ann wrote this.'); i++) {
      const before = await editorText(ann);
      await ann.page.keyboard.press(`${MOD}+Shift+Z`);
      await textMatches(ann, (t) => t !== before, 'a change after redo');
    }
    await converge(ann, bob, (t) => t.includes('Bob wrote that.') && t.includes('Ann wrote this.'), 'both after redo');
  },

  // A reload shows the same document; the app's files are cached as specified.
  'reload-and-cache-headers': async (run) => {
    const id = await newDoc('Reload');
    const ann = await run.person('Ann');
    await run.open(ann, id);
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Still here after a reload');
    await ann.page.locator('.ql-toolbar button.ql-bold').click();
    await ann.page.keyboard.type(' and bold');
    await syncIs(ann, SAVED);
    const before = await ann.page.locator('.ql-editor').innerHTML();
    await ann.page.reload();
    await ann.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    await syncIs(ann, SAVED);
    await textMatches(ann, (t) => t.includes('Still here after a reload and bold'), 'the text after reload');
    assert.equal(await ann.page.locator('.ql-editor').innerHTML(), before);
    assert.equal(await ann.page.locator('#doc-title').inputValue(), 'Reload');

    const index = await fetch(`${base}/d/${id}`);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(index.headers.get('content-type'), /^text\/html/);
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 2, `index.html names its assets: ${html}`);
    for (const a of assets) {
      const res = await fetch(base + a);
      assert.equal(res.status, 200, a);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', a);
      assert.match(a, /-[A-Za-z0-9_-]{8,}\.(js|css)$/, `${a} has a content hash in its name`);
    }
    const list = await fetch(`${base}/api/documents`);
    assert.equal(list.headers.get('cache-control'), 'no-store');
  },

  // A title typed by one person appears for the other as they type, and in the list.
  'title-changes-live': async (run) => {
    const {id, ann, bob} = await twoPeopleIn(run, 'First title');
    await ann.page.locator('#doc-title').fill('Quarterly plan');
    await bob.page.waitForFunction(() => document.querySelector('#doc-title').value === 'Quarterly plan', null, {timeout: DEADLINE});
    await bob.page.waitForFunction(() => document.title.startsWith('Quarterly plan'), null, {timeout: DEADLINE});
    // The list writes waiting catalog updates before it reads; the copy follows the title's
    // commit at once, so this takes one or two requests.
    const deadline = Date.now() + DEADLINE;
    let listed;
    do {
      listed = (await api('GET', '/api/documents?q=quarterly')).documents.find((d) => d.id === id);
    } while (!listed && Date.now() < deadline);
    assert.ok(listed, 'the new title is listed');
  },

  // Deleting a document while someone has it open tells them, and lets them restore it.
  'deleted-while-open': async (run) => {
    const id = await newDoc('Doomed');
    const ann = await run.person('Ann');
    await run.open(ann, id);
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Keep me');
    await syncIs(ann, SAVED);
    await api('DELETE', `/api/documents/${id}`);
    await ann.page.getByText('This document was deleted.').waitFor({timeout: DEADLINE});
    assert.equal(await ann.page.locator('.ql-editor').getAttribute('contenteditable'), 'false');
    await ann.page.getByRole('button', {name: 'Restore it'}).click();
    await ann.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    await textMatches(ann, (t) => t.includes('Keep me'), 'the restored text');
  },

  // Leaving with edits the server has not acknowledged asks first, inside the app and when the
  // page itself is closed; staying keeps the edits, which are sent once back online.
  'leaving-with-unsent-edits-asks': async (run) => {
    const id = await newDoc('Unsent');
    const ann = await run.person('Ann');
    await run.open(ann, id);
    await ann.context.setOffline(true);
    await syncIs(ann, OFFLINE);
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Not sent yet');
    const asked = [];
    let beforeUnload;
    const sawBeforeUnload = new Promise((resolve) => (beforeUnload = resolve));
    ann.page.on('dialog', (d) => {
      asked.push(d.type());
      if (d.type() === 'beforeunload') beforeUnload();
      d.dismiss(); // "stay"
    });
    await ann.page.getByRole('link', {name: 'Quire: all documents'}).click();
    assert.deepEqual(asked, ['confirm']);
    assert.ok(ann.page.url().endsWith('/d/' + id), `left the editor: ${ann.page.url()}`);
    await ann.page.close({runBeforeUnload: true});
    await within(sawBeforeUnload, 'the beforeunload prompt');
    assert.deepEqual(asked, ['confirm', 'beforeunload']);
    await ann.context.setOffline(false);
    await syncIs(ann, SAVED);
    const check = await run.person('Bob');
    await run.open(check, id);
    await textMatches(check, (t) => t.includes('Not sent yet'), 'the edit kept by staying');
  },

  // An op the server refuses (here: the document would pass max-doc-length, which the test's
  // second server sets to 60) reloads the document and says so.
  'refused-op-reloads-and-says-so': async (run) => {
    const id = await newDoc('Small');
    const ann = await run.person('Ann');
    await run.open(ann, id);
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Short text that fits.');
    await syncIs(ann, SAVED);
    // One insertion (as a paste is): one op, refused whole.
    await ann.page.keyboard.insertText(' And then far too much text for this tiny document limit.');
    await ann.page.getByText(/The server refused a change \(ERR_OT_DOC_TOO_LARGE/).waitFor({timeout: DEADLINE});
    await textMatches(ann, (t) => t.trim() === 'Short text that fits.', 'the document as the server has it');
    await syncIs(ann, SAVED);
  },

  // Whatever another client puts in a document or in its presence, the page renders no script:
  // a javascript: link becomes about:blank, a name is text, a colour must be #rrggbb.
  'hostile-content-is-neutralised': async (run) => {
    const id = await newDoc('Links');
    const ann = await run.person('Ann');
    await run.open(ann, id);
    const h = require('./lib/harness');
    const mallory = h.connect(base.replace(/^http/, 'ws') + '/ws?name=Mallory');
    await h.connected(mallory);
    const doc = mallory.get('docs', id);
    await h.subscribe(doc);
    await h.submit(doc, [
      {insert: 'click me', attributes: {link: 'javascript:alert(document.domain)'}},
      {insert: ' or '},
      {insert: 'me', attributes: {link: ' JaVa\tScRiPt:alert(1)'}},
      {insert: ' but '},
      {insert: 'this is fine', attributes: {link: 'https://example.com/ok'}},
    ]);
    const presence = mallory.getDocPresence('docs', id);
    await h.call((cb) => presence.subscribe(cb));
    const local = presence.create('mallory');
    const evilName = '<img src=x onerror=window.__pwned=1>';
    await h.call((cb) => local.submit({index: 2, length: 3, name: evilName, color: 'red;background:url(//x)'}, cb));

    const link = (text) => ann.page.locator('.ql-editor a', {hasText: text});
    await link('click me').waitFor({timeout: DEADLINE});
    assert.equal(await link('click me').getAttribute('href'), 'about:blank');
    assert.equal(await link(/^me$/).getAttribute('href'), 'about:blank');
    assert.equal(await link('this is fine').getAttribute('href'), 'https://example.com/ok');
    const flag = ann.page.locator('.ql-cursor .ql-cursor-name', {hasText: evilName});
    await flag.waitFor({state: 'attached', timeout: DEADLINE});
    assert.equal(await ann.page.locator('.ql-cursor img, .avatars img').count(), 0);
    assert.equal(await ann.page.evaluate(() => window.__pwned), undefined);
    const caret = await ann.page.locator('.ql-cursor .ql-cursor-caret').first().evaluate((e) => e.style.backgroundColor);
    assert.ok(!/url|red/.test(caret), `a hostile colour was used: ${caret}`);

    // An embed Quill has no format for would shift every position after it: read-only, and why.
    await h.submit(doc, [{retain: 5}, {insert: {mystery: {x: 1}}}]);
    await ann.page.getByText(/contains content this editor cannot show/).waitFor({timeout: DEADLINE});
    assert.equal(await ann.page.locator('.ql-editor').getAttribute('contenteditable'), 'false');
    mallory.close();
  },

  // Pasted HTML carries script in every way a clipboard can: the paste keeps its text, no script
  // runs here or in the other person's page, and no unsafe link reaches the document.
  'paste-html-is-sanitised': async (run) => {
    const id = await newDoc('Pasted');
    const ann = await run.person('Ann');
    const bob = await run.person('Bob');
    await run.open(ann, id);
    await run.open(bob, id);
    await ann.page.locator('.ql-editor').click();
    const html = '<p>Safe <b>bold</b> start</p>'
      + '<img src="x" onerror="window.__pwned=1">'
      + '<script>window.__pwned=2</script>'
      + '<p><a href="javascript:window.__pwned=3">plain js link</a> '
      + '<a href=" jAvA&#x09;ScRiPt:window.__pwned=4">obfuscated link</a> '
      + '<a href="data:text/html,&lt;script&gt;window.__pwned=5&lt;/script&gt;">data link</a> '
      + '<a href="https://example.com/ok">good link</a></p>'
      + '<iframe src="javascript:window.__pwned=6"></iframe>'
      + '<svg><image href="x" onerror="window.__pwned=7"></image></svg>'
      + '<p onmouseover="window.__pwned=8" style="background:url(javascript:window.__pwned=9)">styled end</p>';
    await ann.page.evaluate((h) => {
      const data = new DataTransfer();
      data.setData('text/html', h);
      data.setData('text/plain', 'fallback');
      document.querySelector('.ql-editor').dispatchEvent(
          new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }, html);
    await textMatches(ann, (t) => t.includes('styled end'), 'the pasted text');
    await syncIs(ann, SAVED);
    await textMatches(bob, (t) => t.includes('styled end') && t.includes('obfuscated link'), 'the paste, for Bob');
    for (const p of [ann, bob]) {
      await p.page.locator('.ql-editor p', {hasText: 'styled end'}).hover();
      assert.equal(await p.page.evaluate(() => window.__pwned), undefined, 'a script ran');
      assert.equal(await p.page.locator('.ql-editor script, .ql-editor iframe, .ql-editor svg, '
          + '.ql-editor [onerror], .ql-editor [onload], .ql-editor [onmouseover]').count(), 0);
      const hrefs = await p.page.locator('.ql-editor a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(hrefs, ['https://example.com/ok'], 'only the safe link stays a link');
    }
    // What the server stored: the same text, no unsafe link (the server would have refused one).
    const doc = await bob.page.evaluate(async (d) => (await fetch('/api/documents/' + d)).status, id);
    assert.equal(doc, 200);
    assert.equal(await ann.page.getByText(/The server refused a change/).count(), 0, 'nothing of the paste was refused');
  },

  // Comments (auth=accounts): Bob, a commenter, cannot edit but comments on a word he selects;
  // Ann sees the thread and the highlighted word at once and replies; Bob sees the reply and
  // resolves the thread. Markup in a comment is shown as text.
  'comments': async (run) => {
    const ann = await run.person('ann');
    const bob = await run.person('bob');
    await signUp(ann, 'ann');
    await signUp(bob, 'bob');
    await ann.page.getByRole('button', {name: /New document/}).first().click();
    await ann.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    const id = new URL(ann.page.url()).pathname.split('/').pop();
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Hello world and more');
    await syncIs(ann, SAVED);
    await ann.page.getByTestId('share').click();
    await ann.page.getByLabel('Share with (name or email)').fill('bob');
    await ann.page.getByLabel('as', {exact: true}).selectOption('commenter');
    await ann.page.getByRole('dialog').getByRole('button', {name: 'Share', exact: true}).click();
    await ann.page.getByTestId('person').filter({hasText: 'bob'}).waitFor({timeout: DEADLINE});
    await ann.page.getByRole('button', {name: 'Done'}).click();

    await bob.page.goto(`${base}/d/${id}`);
    await textMatches(bob, (t) => t.includes('Hello world'), "Ann's text");
    await bob.page.getByText('You can comment on this document but not edit it').waitFor({timeout: DEADLINE});
    assert.equal(await bob.page.locator('.ql-editor').getAttribute('contenteditable'), 'false');
    await bob.page.evaluate(() => {
      const text = document.querySelector('.ql-editor p').firstChild;
      const at = text.textContent.indexOf('world');
      window.getSelection().setBaseAndExtent(text, at, text, at + 5);
    });
    await bob.page.getByTestId('add-comment').click();
    const form = bob.page.getByTestId('new-comment');
    await form.locator('.thread-quote', {hasText: 'world'}).waitFor({timeout: DEADLINE});
    const markup = 'Which <img src=x onerror="window.__pwned=1"> world?';
    await form.getByLabel('Your comment').fill(markup);
    await form.getByRole('button', {name: 'Comment'}).click();
    await bob.page.getByTestId('comment').filter({hasText: markup}).waitFor({timeout: DEADLINE});

    const annThread = ann.page.getByTestId('thread').filter({hasText: markup});
    await annThread.waitFor({timeout: DEADLINE});
    const anchor = ann.page.locator('.ql-editor [data-comment]');
    await anchor.waitFor({timeout: DEADLINE});
    assert.equal(await anchor.innerText(), 'world');
    assert.equal(await ann.page.locator('.comments img').count(), 0, 'markup in a comment is text');
    await annThread.getByLabel('Reply').fill('The whole world.');
    await annThread.getByRole('button', {name: 'Reply'}).click();

    const bobThread = bob.page.getByTestId('thread').filter({hasText: markup});
    await bobThread.getByTestId('comment').filter({hasText: 'The whole world.'}).waitFor({timeout: DEADLINE});
    await bobThread.getByRole('button', {name: 'Resolve'}).click();
    await ann.page.getByRole('button', {name: 'Show resolved (1)'}).waitFor({timeout: DEADLINE});
    await annThread.waitFor({state: 'detached', timeout: DEADLINE});
    for (const p of [ann, bob]) assert.equal(await p.page.evaluate(() => window.__pwned), undefined);
    // Bob's anchor was his only change: the text is Ann's, word for word.
    await textMatches(ann, (t) => t.trim() === 'Hello world and more', 'the unchanged text');
  },

  // The home page: create, find, rename, delete with undo.
  // Accounts (a server with auth=accounts): two people sign up, one shares a document with the
  // other as viewer (read-only, said on the page), then as editor: the open editor turns editable
  // at once, without a reload.
  'accounts-sharing': async (run) => {
    const ann = await run.person('ann');
    const bob = await run.person('bob');
    await signUp(ann, 'ann');
    await signUp(bob, 'bob');
    // Bob logs out and in again.
    await bob.page.goto(base + '/account');
    await bob.page.getByRole('button', {name: 'Log out'}).click();
    await bob.page.getByLabel('Name or email').fill('bob');
    await bob.page.getByLabel(/^Password/).fill('correct horse battery');
    await bob.page.getByRole('button', {name: 'Log in'}).click();
    await bob.page.getByRole('heading', {name: 'Documents'}).waitFor({timeout: DEADLINE});

    await ann.page.getByRole('button', {name: /New document/}).first().click();
    await ann.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    const id = new URL(ann.page.url()).pathname.split('/').pop();
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Hello from Ann');
    await syncIs(ann, SAVED);
    await ann.page.getByTestId('share').click();
    await ann.page.getByLabel('Share with (name or email)').fill('bob');
    await ann.page.getByLabel('as', {exact: true}).selectOption('viewer');
    await ann.page.getByRole('dialog').getByRole('button', {name: 'Share', exact: true}).click();
    await ann.page.getByTestId('person').filter({hasText: 'bob'}).waitFor({timeout: DEADLINE});

    await bob.page.goto(`${base}/d/${id}`);
    await textMatches(bob, (t) => t.includes('Hello from Ann'), "Ann's text");
    await bob.page.getByTestId('read-only').waitFor({timeout: DEADLINE});
    assert.equal(await bob.page.locator('.ql-editor').getAttribute('contenteditable'), 'false');

    await ann.page.getByLabel('Role of bob').selectOption('editor');
    await bob.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    await bob.page.getByTestId('read-only').waitFor({state: 'detached', timeout: DEADLINE});
    await bob.page.locator('.ql-editor').click();
    await bob.page.keyboard.press('End');
    await bob.page.keyboard.type(' and Bob');
    await textMatches(ann, (t) => t.includes('and Bob'), "Bob's edit");

    // A view link: Carol opens it after signing up and reads the document, read-only.
    await ann.page.getByRole('button', {name: 'New view link'}).click();
    const url = (await ann.page.getByTestId('new-link').locator('code').innerText()).trim();
    assert.ok(url.startsWith(base + '/s#'), url);
    const carol = await run.person('carol');
    await signUp(carol, 'carol');
    await carol.page.goto(url);
    await carol.page.waitForURL(`${base}/d/${id}`, {timeout: DEADLINE});
    await textMatches(carol, (t) => t.includes('and Bob'), 'the shared text');
    await carol.page.getByTestId('read-only').waitFor({timeout: DEADLINE});
  },

  // Organizations (auth=accounts): Ann creates one and adds Bob; she creates a document in it and
  // lets everyone in the organization edit it; Bob finds it under the organization and edits.
  'organizations': async (run) => {
    const ann = await run.person('ann');
    const bob = await run.person('bob');
    await signUp(ann, 'ann');
    await signUp(bob, 'bob');
    await ann.page.getByRole('link', {name: 'Organizations'}).click();
    await ann.page.getByRole('heading', {name: 'Organizations'}).waitFor({timeout: DEADLINE});
    await ann.page.getByLabel('New organization').fill('Acme');
    await ann.page.getByRole('button', {name: 'Create organization'}).click();
    await ann.page.getByRole('heading', {name: 'Members of Acme'}).waitFor({timeout: DEADLINE});
    await ann.page.getByTestId('member').filter({hasText: 'ann (you)'}).waitFor({timeout: DEADLINE});
    await ann.page.getByLabel('Add (name or email)').fill('bob');
    await ann.page.getByLabel('as', {exact: true}).selectOption('member');
    await ann.page.getByRole('button', {name: 'Add', exact: true}).click();
    await ann.page.getByTestId('member').filter({hasText: 'bob'}).waitFor({timeout: DEADLINE});

    await ann.page.getByRole('link', {name: 'Quire: all documents'}).click();
    await ann.page.getByTestId('new-doc-org').selectOption({label: 'Acme'});
    await ann.page.getByRole('button', {name: /New document/}).first().click();
    await ann.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    const id = new URL(ann.page.url()).pathname.split('/').pop();
    const doc = await ann.page.evaluate(async (d) => (await (await fetch('/api/documents/' + d)).json()).document, id);
    assert.equal(doc.generalAccess, 'none');
    await ann.page.locator('#doc-title').fill('Acme plan ' + id);
    await ann.page.locator('.ql-editor').click();
    await ann.page.keyboard.type('Hello Acme');
    await syncIs(ann, SAVED);
    await ann.page.getByTestId('share').click();
    await ann.page.getByTestId('general-access').filter({hasText: 'Everyone in Acme'}).waitFor({timeout: DEADLINE});
    const saved = ann.page.waitForResponse((r) => r.url().endsWith(`/api/documents/${id}/access`), {timeout: DEADLINE});
    await ann.page.getByLabel('What everyone in Acme may do').selectOption('editor');
    assert.equal((await (await saved).json()).generalAccess, 'editor');

    await bob.page.goto(base + '/');
    await bob.page.getByLabel('Show the documents of').selectOption({label: 'Acme'});
    const row = bob.page.locator('.doc-row', {hasText: 'Acme plan ' + id});
    await row.waitFor({timeout: DEADLINE});
    await row.getByRole('link').click();
    await bob.page.waitForURL(`${base}/d/${id}`, {timeout: DEADLINE});
    await textMatches(bob, (t) => t.includes('Hello Acme'), "Ann's text");
    await bob.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    await bob.page.locator('.ql-editor').click();
    await bob.page.keyboard.press(MOD + '+End');
    await bob.page.keyboard.type(' and Bob');
    await textMatches(ann, (t) => t.includes('and Bob'), "Bob's edit");
    await syncIs(bob, SAVED);
  },

  'home-page': async (run) => {
    const ann = await run.person('Ann');
    await ann.page.goto(`${base}/`);
    await ann.page.getByRole('button', {name: /New document/}).click();
    await ann.page.waitForURL(/\/d\/[a-z0-9]+$/, {timeout: DEADLINE});
    await ann.page.locator('.ql-editor[contenteditable="true"]').waitFor({timeout: DEADLINE});
    const id = ann.page.url().split('/d/')[1];
    await ann.page.locator('#doc-title').fill('Zebra notes ' + id);
    await syncIs(ann, SAVED);
    await ann.page.getByRole('link', {name: 'Quire: all documents'}).click();
    await ann.page.getByRole('searchbox').fill('zebra notes ' + id);
    const row = ann.page.locator('.doc-row', {hasText: 'Zebra notes ' + id});
    await row.waitFor({timeout: DEADLINE});
    await row.getByText(/by Ann/).waitFor({timeout: DEADLINE});
    await row.getByRole('button', {name: /^Rename/}).click();
    await ann.page.getByLabel('New title').fill('Yak notes ' + id);
    await ann.page.getByRole('button', {name: 'Save'}).click();
    await ann.page.getByRole('searchbox').fill('yak notes ' + id);
    const renamed = ann.page.locator('.doc-row', {hasText: 'Yak notes ' + id});
    await renamed.waitFor({timeout: DEADLINE});
    await renamed.getByRole('button', {name: /^Delete/}).click();
    await ann.page.getByText('moved to the trash').waitFor({timeout: DEADLINE});
    await renamed.waitFor({state: 'detached', timeout: DEADLINE});
    await ann.page.getByRole('button', {name: 'Undo'}).click();
    await ann.page.locator('.doc-row', {hasText: 'Yak notes ' + id}).waitFor({timeout: DEADLINE});
  },
};

async function main() {
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.QUIRE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  const run = new Run(browser);
  let ok = false;
  let error;
  try {
    if (!scenarios[scenario]) throw new Error(`unknown scenario ${scenario}; known: ${Object.keys(scenarios).join(', ')}`);
    await scenarios[scenario](run);
    ok = true;
  } catch (e) {
    error = e && e.stack ? e.stack : String(e);
    await run.screenshots();
  } finally {
    await browser.close().catch(() => {});
  }
  console.log(JSON.stringify({scenario, ok, ms: Date.now() - started, ...(ok ? {} : {error})}));
  process.exitCode = ok ? 0 : 1;
}

main();
