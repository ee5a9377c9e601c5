// One journey through the demo app, or the audit dashboard, in Debian's Chromium (headless, driven by playwright-core),
// against a running stack. It drives the browser and gathers what the page showed next to what the FHIR server holds;
// the JUnit tests that run it (BrowserJourney) make the assertions. Prints one JSON line on stdout; exits 1 with
// {"ok": false, "error": ...} when the journey could not be completed.
//
//   node demo-app-journey.mjs standalone-patient|ehr-clinician|audit-dashboard
//
// Environment: E2E_APP_URL (the demo app), E2E_GATEWAY_URL, E2E_BACKEND_KEY_FILE (demo-backend's private JWK, for
// the system tokens that read what the server holds, register the EHR launch and sign in to the dashboard), E2E_CHROMIUM,
// E2E_ARTIFACTS_DIR (screenshots).
import { createPrivateKey, createSign, randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const APP = required("E2E_APP_URL");
const GATEWAY = required("E2E_GATEWAY_URL");
const FHIR = `${GATEWAY}/fhir`;
const TOKEN_URL = `${GATEWAY}/auth/token`;
const ARTIFACTS = required("E2E_ARTIFACTS_DIR");
const BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
/** How long one page step may take. */
const STEP_TIMEOUT_MS = 20_000;
const UNTICKED = "patient/AllergyIntolerance.rs";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A backend-services token for demo-backend (private_key_jwt, RS384), as an EHR or integrator would get one. */
async function systemToken(scope) {
  const jwk = JSON.parse(readFileSync(required("E2E_BACKEND_KEY_FILE"), "utf8"));
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64url({ alg: "RS384", typ: "JWT", kid: jwk.kid })}.${b64url({
    iss: "demo-backend", sub: "demo-backend", aud: TOKEN_URL, jti: randomUUID(), iat: now, exp: now + 60,
  })}`;
  const signature = createSign("RSA-SHA384").update(input).sign(createPrivateKey({ key: jwk, format: "jwk" }));
  const body = await call("POST", TOKEN_URL, null, new URLSearchParams({
    grant_type: "client_credentials", scope,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: `${input}.${signature.toString("base64url")}`,
  }));
  return body.access_token;
}

async function call(method, url, token, body) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body instanceof URLSearchParams) headers["content-type"] = "application/x-www-form-urlencoded";
  else if (body) headers["content-type"] = url.startsWith(FHIR) ? "application/fhir+json" : "application/json";
  const response = await fetch(url, { method, headers, body: body instanceof URLSearchParams ? body : body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Every resource of a search (following next links). */
async function search(token, query) {
  const resources = [];
  for (let url = `${FHIR}/${query}`; url;) {
    const bundle = await call("GET", url, token);
    resources.push(...(bundle.entry || []).map((entry) => entry.resource));
    url = bundle.link?.find((link) => link.relation === "next")?.url;
  }
  return resources;
}

/** What the FHIR server holds for the patient, read with a system token. */
async function held(patientId) {
  const token = await systemToken("system/Patient.rs system/Observation.rs system/MedicationRequest.rs system/AllergyIntolerance.rs");
  const patient = encodeURIComponent(patientId);
  return {
    patient: await call("GET", `${FHIR}/Patient/${patient}`, token),
    vitalSigns: await search(token, `Observation?patient=${patient}&category=vital-signs&_count=100`),
    activeMedications: await search(token, `MedicationRequest?patient=${patient}&status=active`),
    activeAllergies: await search(token, `AllergyIntolerance?patient=${patient}&clinical-status=active`),
  };
}

/** A browser whose pages may reach only the app and the gateway; any other request is stopped and recorded. */
async function openBrowser() {
  const browser = await chromium.launch({ executablePath: required("E2E_CHROMIUM"), headless: true, args: BROWSER_FLAGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 600 } });
  const seen = { requests: [], blocked: [], consoleErrors: [], pageErrors: [], tokenResponses: [] };
  const allowed = new Set([new URL(APP).origin, new URL(GATEWAY).origin]);
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed.has(new URL(url).origin)) return route.continue();
    seen.blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on("request", (request) => seen.requests.push(`${request.method()} ${request.url()}`));
  page.on("console", (message) => { if (message.type() === "error") seen.consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => seen.pageErrors.push(String(error)));
  page.on("response", async (response) => {
    const request = response.request();
    if (request.method() === "POST" && response.url() === TOKEN_URL) {
      // the grant and what was granted, never the tokens themselves
      const grant = new URLSearchParams(request.postData() || "").get("grant_type");
      const body = await response.json().catch(() => ({}));
      // the address the browser reached the gateway at: on loopback, also the address the gateway sees it from
      const address = (await response.serverAddr().catch(() => null))?.ipAddress ?? null;
      seen.tokenResponses.push({ grant, status: response.status(), scope: body.scope, patient: body.patient,
        expiresIn: body.expires_in, refreshToken: typeof body.refresh_token === "string", address });
    }
  });
  return { browser, page, seen };
}

async function signInAndConsent(page, username, untick) {
  await page.waitForFunction(() => document.title === "Sign in - SMART Guard");
  await page.fill("#username", username);
  await page.fill("#password", username);
  await page.click("form button[type=submit]");
  await page.waitForFunction(() => document.title === "Allow access - SMART Guard");
  for (const scope of untick) await page.uncheck(`input[type=checkbox][name=scope][value="${scope}"]`);
  const consent = await page.$$eval("input[type=checkbox][name=scope]",
    (boxes) => boxes.map((box) => ({ scope: box.value, ticked: box.checked })));
  await page.click("button[name=decision][value=approve]");
  await page.waitForURL(`${APP}/callback**`);
  await page.waitForFunction(() => ["ready", "error"].includes(document.body.dataset.state));
  return consent;
}

/** What the app shows, read from the page. */
function shown(page) {
  return page.evaluate(() => {
    const text = (selector) => document.querySelector(selector)?.textContent.trim() ?? null;
    const all = (selector) => [...document.querySelectorAll(selector)].map((node) => node.textContent.trim());
    const section = (id) => ({
      state: document.getElementById(id).dataset.state,
      status: text(`#${id} .status`),
    });
    return {
      state: document.body.dataset.state,
      url: location.origin + location.pathname,
      appError: document.getElementById("app-error").hidden ? null : text("#app-error"),
      name: text("#patient-name"),
      birthDate: text("#patient-birth-date"),
      signedInAs: text("#signed-in-as"),
      expiresAt: Number(document.getElementById("session").dataset.expiresAt),
      vitals: { ...section("vitals"), charts: [...document.querySelectorAll("#vitals figure.vital")].map((figure) => ({
        vital: figure.dataset.vital,
        latest: figure.querySelector(".vital-latest").textContent,
        date: figure.querySelector(".vital-date").textContent,
        points: figure.querySelectorAll("svg circle").length,
      })) },
      medications: { ...section("medications"), items: all("#medications .medication-name") },
      allergies: { ...section("allergies"), items: all("#allergies .allergy-name") },
    };
  });
}

/** Runs steps in a fresh browser; on failure keeps a screenshot and says where the page was. */
async function inBrowser(name, steps) {
  const { browser, page, seen } = await openBrowser();
  try {
    return await steps(page, seen);
  } catch (error) {
    const path = await screenshot(page, `${name}-failure`).catch(() => "none");
    const body = await page.evaluate(() => document.body?.innerText.slice(0, 500)).catch(() => "");
    throw new Error(`${error.message}\n  at ${page.url()} (screenshot ${path}); the page said: ${body}`
      + `\n  console errors: ${seen.consoleErrors.join(" | ")}`);
  } finally {
    await browser.close();
  }
}

async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * demo-patient launches the app on its own (standalone), unticks AllergyIntolerance on the consent page, sees their
 * record; then the access token expires and the next load renews it with the refresh token.
 */
async function standalonePatient() {
  return inBrowser("standalone-patient", async (page, seen) => {
    await page.goto(`${APP}/launch.html`);
    const consent = await signInAndConsent(page, "demo-patient", [UNTICKED]);
    const first = await shown(page);
    const firstScreenshot = await screenshot(page, "standalone-patient");

    // wait until the access token has really expired, then load again: fhirclient must renew it first
    await page.waitForFunction((expiresAt) => Date.now() / 1000 > expiresAt, first.expiresAt,
      { timeout: Math.max(0, first.expiresAt * 1000 - Date.now()) + STEP_TIMEOUT_MS });
    const renewed = page.waitForResponse((response) => response.url() === TOKEN_URL
      && new URLSearchParams(response.request().postData() || "").get("grant_type") === "refresh_token");
    await page.click("#reload");
    await renewed;
    await page.waitForFunction((before) => document.body.dataset.state !== "loading"
      && Number(document.getElementById("session").dataset.expiresAt) > before, first.expiresAt);
    const afterRefresh = await shown(page);
    return { consent, shown: first, afterRefresh, seen, screenshot: firstScreenshot, held: await held("demo-patient") };
  });
}

/**
 * An EHR registers a launch for a patient it just wrote (POST /auth/launch with a system token) and opens the app
 * with iss and launch; demo-clinician signs in and the app shows that patient. Before that, a crafted launch link
 * naming another server is refused by the app without leaving it.
 */
async function ehrClinician() {
  const suffix = randomBytes(4).toString("hex");
  const patientId = `e2e-ehr-${suffix}`;
  const writer = await systemToken("system/Patient.cu system/MedicationRequest.cu");
  await call("PUT", `${FHIR}/Patient/${patientId}`, writer, {
    resourceType: "Patient", id: patientId, gender: "male", birthDate: "1971-03-09",
    name: [{ family: `Launch-${suffix}`, given: ["Erin"] }],
  });
  await call("PUT", `${FHIR}/MedicationRequest/${patientId}-metformin`, writer, {
    resourceType: "MedicationRequest", id: `${patientId}-metformin`, status: "active", intent: "order",
    medicationCodeableConcept: { text: "Metformin 500 mg tablet",
      coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "861007", display: "metformin hydrochloride 500 MG Oral Tablet" }] },
    subject: { reference: `Patient/${patientId}` },
  });
  const ehr = await systemToken("system/Patient.rs");
  const { launch } = await call("POST", `${GATEWAY}/auth/launch`, ehr, { patient: patientId });

  return inBrowser("ehr-clinician", async (page, seen) => {
    await page.goto(`${APP}/launch.html?iss=${encodeURIComponent("https://attacker.invalid/fhir")}&launch=${launch}`);
    await page.waitForSelector("#launch-error:not([hidden])");
    const crafted = { url: page.url(), error: (await page.textContent("#launch-error")).trim() };

    await page.goto(`${APP}/launch.html?iss=${encodeURIComponent(FHIR)}&launch=${encodeURIComponent(launch)}`);
    const consent = await signInAndConsent(page, "demo-clinician", []);
    const result = await shown(page);
    const path = await screenshot(page, "ehr-clinician");
    return { patientId, crafted, consent, shown: result, seen, screenshot: path, held: await held(patientId) };
  });
}

/**
 * A security officer signs in to the audit dashboard through the gateway by pasting a staff token (demo-backend's
 * system/AuditEvent.rs, as ./suite token prints one) and sees the open alerts.
 */
async function auditDashboard() {
  const token = await systemToken("system/AuditEvent.rs");
  return inBrowser("audit-dashboard", async (page, seen) => {
    await page.goto(`${GATEWAY}/audit/dashboard/login`);
    await page.fill("#token", token);
    await page.click("#sign-in");
    await page.waitForSelector("#hourly-chart");
    const alerts = await page.$$eval("#open-alerts tr.alert", (rows) => rows.map((row) => ({
      rule: row.cells[1].textContent.trim(),
      severity: row.cells[2].textContent.trim(),
      subject: row.querySelector(".subject").textContent.trim(),
      evidence: [...row.querySelectorAll(".evidence code")].map((code) => code.textContent.trim()),
    })));
    const path = await screenshot(page, "audit-dashboard");
    return { url: page.url(), alerts, seen, screenshot: path };
  });
}

const SCENARIOS = { "standalone-patient": standalonePatient, "ehr-clinician": ehrClinician, "audit-dashboard": auditDashboard };

const scenario = SCENARIOS[process.argv[2]];
if (!scenario) {
  console.log(JSON.stringify({ ok: false, error: `unknown scenario ${process.argv[2]}; one of ${Object.keys(SCENARIOS)}` }));
  process.exit(2);
}
scenario().then(
  (result) => { console.log(JSON.stringify({ ok: true, ...result })); },
  (error) => { console.log(JSON.stringify({ ok: false, error: String(error?.stack || error) })); process.exitCode = 1; },
);
