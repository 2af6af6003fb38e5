// Browser tests of `qraudit serve`'s page in a real headless Chromium (Debian's `chromium`),
// driven by playwright-core. Run by tests/browser.rs (which builds the binary and installs
// what is missing): `node tests/browser/run.mjs QRAUDIT_BINARY SCREENSHOT_DIR`.
//
// Everything talks to 127.0.0.1 only: the server listens there, and the browser is told to
// refuse every other host, so a decoded link the page wrongly fetched would fail the test.
import { spawn } from "node:child_process";
import { readFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [binary, shots] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const testdata = name => join(root, "testdata", name);
mkdirSync(shots, { recursive: true });

let failures = 0;
function check(condition, what) {
  if (condition) {
    console.log("ok   " + what);
  } else {
    console.log("FAIL " + what);
    failures++;
  }
}

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["serve", "--listen", "127.0.0.1:0", "--no-policy"], { stdio: ["ignore", "ignore", "pipe"] });
    let buffer = "";
    const timer = setTimeout(() => reject(new Error("the server did not start")), 30000);
    child.stderr.on("data", chunk => {
      buffer += chunk;
      const match = buffer.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match) { clearTimeout(timer); resolve({ child, base: match[1] }); }
    });
    child.on("exit", code => reject(new Error("the server exited: " + code)));
  });
}

const { child, base } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
const page = await context.newPage();
const dialogs = [];
page.on("dialog", dialog => { dialogs.push(dialog.message()); dialog.dismiss(); });
const consoleErrors = [];
page.on("console", message => { if (message.type() === "error") consoleErrors.push(message.text()); });
const outside = [];
page.on("request", request => { if (!request.url().startsWith(base) && !request.url().startsWith("blob:") && !request.url().startsWith("data:")) outside.push(request.url()); });

async function fresh() {
  await page.goto(base + "/");
  await page.waitForFunction(() => document.readyState === "complete");
}

// The status line after a request, once it says something other than "Reading…"/"Checking…".
async function settled() {
  await page.waitForFunction(() => {
    const text = document.getElementById("status").textContent;
    return text && !text.endsWith("…");
  }, null, { timeout: 30000 });
  return page.textContent("#status");
}

// Bytes into the page as a File, handed to a paste or drop event like the browser's own.
async function dispatchFile(kind, name, type, bytes) {
  await page.evaluate(({ kind, name, type, b64 }) => {
    const raw = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([raw], name, { type }));
    if (kind === "paste") {
      document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true }));
    } else {
      const zone = document.getElementById("drop");
      zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, { kind, name, type, b64: Buffer.from(bytes).toString("base64") });
}

try {
  // 1. Paste a screenshot: verdict, community, outline.
  await fresh();
  await dispatchFile("paste", "pasted.png", "image/png", readFileSync(testdata("screenshots/untrusted-ssl.png")));
  let status = await settled();
  check(/1 code/.test(status), "paste: the status says one code was found (" + status + ")");
  const verdict = await page.textContent(".verdict");
  check(/adds the Sametime community .* on .*:\d+; it will trust any certificate/.test(verdict), "paste: the verdict names the community and the certificate risk: " + verdict);
  check(await page.locator("table caption").count() === 1, "paste: the community table is shown");
  await page.waitForSelector("canvas", { timeout: 10000 });
  const outlined = await page.evaluate(() => {
    // The outline is drawn in a colour the screenshot does not have: count such pixels.
    const canvas = document.querySelector("canvas");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let red = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 180 && data[i + 1] < 60 && data[i + 2] < 80) red++;
    return red;
  });
  check(outlined > 100, "paste: the code is outlined on the thumbnail (" + outlined + " outline pixels)");
  await page.screenshot({ path: join(shots, "serve-paste.png"), fullPage: true });

  // 2. Copy the safe rewrite.
  await page.click("text=Copy safe rewrite");
  await page.waitForFunction(() => /copied/i.test(document.getElementById("status").textContent), null, { timeout: 5000 }).catch(() => {});
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied.startsWith("hclsametime://") && !/allowUntrustedSSL/i.test(copied), "copy: the clipboard holds the safe rewrite: " + copied);
  check(/copied/i.test(await page.textContent("#status")), "copy: the status says so");

  // 3. Drop a file: a poster with a password, masked.
  await fresh();
  await dispatchFile("drop", "poster.jpg", "image/jpeg", readFileSync(testdata("posters/password-in-url.jpg")));
  status = await settled();
  const body = await page.textContent("#results");
  check(/embedded-password/.test(body) && /\*\*\*\*\*\*\*\*/.test(body), "drop: the password finding is shown, the password masked");
  check(!/Winter/.test(body), "drop: no secret in the page");

  // 4. A hostile code, shown inert: markup, a javascript: link, ANSI and bidi overrides.
  await fresh();
  const hostile = "<img src=x onerror=alert(1)> javascript:alert(2) \u001b[2J\u001b]0;pwned\u0007 \u202eevil\u202c";
  await page.fill("#text", hostile);
  await page.click("text=Check this text");
  await settled();
  const shown = await page.textContent("#results pre");
  check(shown.includes("<img src=x onerror=alert(1)>"), "hostile: the markup is shown as text");
  check(shown.includes("\\u{1b}[2J") && shown.includes("\\u{202e}evil"), "hostile: ANSI and bidi characters are shown escaped");
  check(await page.locator("#results img").count() === 0, "hostile: no image element was created");
  check(await page.locator("#results a").count() === 0, "hostile: no link was made clickable");
  // A code in an image with escape sequences: also inert.
  await fresh();
  await dispatchFile("paste", "control.png", "image/png", readFileSync(testdata("risky/control-chars.png")));
  await settled();
  const controlText = await page.textContent("#results pre");
  check(controlText.includes("\\u{1b}") && !controlText.includes("\u001b"), "hostile image: escape sequences shown escaped");
  await page.screenshot({ path: join(shots, "serve-hostile.png"), fullPage: true });
  check(dialogs.length === 0, "hostile: no script ran (no dialog)");

  // 5. The keyboard alone: Tab to the drop zone, Enter opens the file picker, Tab to the copy button.
  await fresh();
  let focused = "";
  for (let i = 0; i < 5 && focused !== "drop"; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  }
  check(focused === "drop", "keyboard: Tab reaches the drop zone");
  // Enter on the drop zone opens the file picker: the page clicks its file input. The click
  // is recorded and its default (the system dialog, which headless Chromium delivers to the
  // driver only now and then) prevented; the files then arrive as a dialog would hand them over.
  await page.evaluate(() => {
    window.pickerOpened = 0;
    document.getElementById("files").addEventListener("click", event => { window.pickerOpened++; event.preventDefault(); });
  });
  await page.keyboard.press("Enter");
  check(await page.evaluate(() => window.pickerOpened) === 1, "keyboard: Enter on the drop zone opens the file picker");
  await page.keyboard.press("Space");
  check(await page.evaluate(() => window.pickerOpened) === 2, "keyboard: Space on the drop zone opens it too");
  await page.setInputFiles("#files", testdata("screenshots/untrusted-ssl.png"));
  await settled();
  const afterFocus = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
  check(afterFocus === "H2", "keyboard: focus moves to the results' heading");
  let onButton = false;
  for (let i = 0; i < 30 && !onButton; i++) {
    await page.keyboard.press("Tab");
    onButton = await page.evaluate(() => document.activeElement && document.activeElement.textContent === "Copy safe rewrite");
  }
  check(onButton, "keyboard: Tab reaches the copy button");
  await page.evaluate(() => { document.getElementById("status").textContent = ""; });
  await page.keyboard.press("Enter");
  const copiedByKey = await page.waitForFunction(() => /copied/i.test(document.getElementById("status").textContent), null, { timeout: 5000 }).then(() => true, () => false);
  check(copiedByKey, "keyboard: Enter on the copy button copies");
  const labelled = await page.evaluate(() => [...document.querySelectorAll("input, textarea, button, [role=button]")]
    .every(e => e.getAttribute("aria-label") || (e.id && document.querySelector("label[for=" + e.id + "]")) || e.textContent.trim()));
  check(labelled, "screen reader: every control has a label");
  check(await page.locator("[role=status][aria-live=polite]").count() === 1, "screen reader: results are announced in a live region");

  // 6. Plain sentences: no code, not an image.
  await fresh();
  await dispatchFile("paste", "blank.png", "image/png", readFileSync(testdata("no-code/landscape.png")));
  status = await settled();
  check(/No QR code/.test(status) && /No QR code was found/.test(await page.textContent("#results")), "no code: said plainly");
  await fresh();
  await dispatchFile("drop", "notes.txt", "text/plain", Buffer.from("just notes"));
  status = await settled();
  check(/not something qraudit reads|not an image/i.test(status + (await page.textContent("#results"))), "not an image: said plainly");

  check(outside.length === 0, "nothing but 127.0.0.1 was requested: " + outside.join(", "));
  check(consoleErrors.filter(e => !/Failed to load resource/.test(e)).length === 0, "no script errors: " + consoleErrors.join(" | "));
} catch (error) {
  console.log("FAIL " + (error && error.stack || error));
  failures++;
} finally {
  await browser.close();
  child.kill("SIGTERM");
}
console.log(failures === 0 ? "browser tests: all passed" : "browser tests: " + failures + " failed");
process.exit(failures === 0 ? 0 : 1);
