// The callback page: fhirclient completes the flow (code + PKCE verifier for tokens, from this browser), then the
// app reads the patient's record through the gateway with the token. A section whose resource type the user did
// not share (unticked on the consent page) shows "Not shared" and is never requested. fhirclient renews the access
// token with the refresh token (offline_access) before a request when it has expired or is about to.
import { allows } from "/scopes.js";
import { VITALS, chart, series } from "/vitals-chart.js";

const $ = (id) => document.getElementById(id);

function text(parent, tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  parent.append(node);
  return node;
}

function concept(codeable) {
  return codeable?.text || codeable?.coding?.find((coding) => coding.display)?.display || codeable?.coding?.[0]?.code
    || "(unnamed)";
}

function humanName(patient) {
  const name = (patient.name || []).find((candidate) => candidate.use === "official") || patient.name?.[0];
  if (!name) return "(no name)";
  return name.text || [...(name.prefix || []), ...(name.given || []), name.family].filter(Boolean).join(" ");
}

function why(error) {
  const status = error?.status || error?.statusCode;
  return status ? `HTTP ${status}` : error?.message || String(error);
}

/** Shows a section's outcome; `state` is what tests and screen readers see: loaded, empty, not-shared or error. */
function settle(section, state, message) {
  section.dataset.state = state;
  const status = section.querySelector(".status");
  status.textContent = message || "";
  status.hidden = !message;
}

/**
 * Fills one section: asks for nothing when the type was not shared, else searches the patient's resources
 * (every page) and hands them to render.
 */
async function section(client, id, type, query, render) {
  const node = $(id);
  const content = node.querySelector(".content");
  content.replaceChildren();
  if (!allows(client.state.tokenResponse.scope, type, "s")) {
    settle(node, "not-shared", "Not shared: you did not allow this app to see this part of your record.");
    return;
  }
  settle(node, "loading", "Loading…");
  try {
    const resources = await client.request(`${type}?patient=${encodeURIComponent(client.patient.id)}&${query}`,
      { pageLimit: 0, flat: true });
    if (resources.length === 0) {
      settle(node, "empty", "Nothing recorded.");
    } else {
      render(content, resources);
      settle(node, "loaded", "");
    }
  } catch (error) {
    settle(node, "error", `Could not load this part of your record (${why(error)}).`);
  }
}

function renderVitals(content, observations) {
  for (const vital of VITALS) {
    const lines = series(observations, vital);
    if (lines.length === 0) continue;
    const figure = document.createElement("figure");
    figure.className = "vital";
    figure.dataset.vital = vital.key;
    const latest = lines.map((line) => line.points[line.points.length - 1]);
    const caption = document.createElement("figcaption");
    text(caption, "span", vital.label, "vital-label");
    text(caption, "span", `${latest.map((point) => point.value).join("/")} ${latest[0].unit}`, "vital-latest");
    text(caption, "span", latest[0].date, "vital-date");
    figure.append(caption, chart(vital.label, lines));
    content.append(figure);
  }
}

function renderMedications(content, requests) {
  for (const request of requests) {
    const item = text(content, "li", "");
    text(item, "span", concept(request.medicationCodeableConcept), "medication-name");
    const dosage = request.dosageInstruction?.[0]?.text;
    if (dosage) text(item, "span", dosage, "detail");
  }
}

function renderAllergies(content, allergies) {
  for (const allergy of allergies) {
    const item = text(content, "li", "");
    text(item, "span", concept(allergy.code), "allergy-name");
    const reactions = (allergy.reaction || []).flatMap((reaction) => (reaction.manifestation || []).map(concept));
    const details = [allergy.criticality && `${allergy.criticality} criticality`, reactions.join(", ")].filter(Boolean);
    if (details.length > 0) text(item, "span", details.join(" · "), "detail");
  }
}

async function showPatient(client) {
  if (!allows(client.state.tokenResponse.scope, "Patient", "r")) {
    $("patient-name").textContent = `Patient ${client.patient.id}`;
    $("patient-birth-date").textContent = "not shared";
    return;
  }
  const patient = await client.patient.read();
  $("patient-name").textContent = humanName(patient);
  $("patient-birth-date").textContent = patient.birthDate || "unknown";
  $("patient-gender").textContent = patient.gender || "";
  document.title = `${humanName(patient)} - My Health Summary`;
}

function showSession(client) {
  const expiresAt = client.state.expiresAt;
  $("session").dataset.expiresAt = String(expiresAt);
  $("session-expires").textContent = new Date(expiresAt * 1000).toLocaleTimeString();
  $("signed-in-as").textContent = client.getFhirUser() || client.user.id || "unknown user";
}

async function load(client) {
  document.body.dataset.state = "loading";
  $("app-error").hidden = true;
  try {
    await showPatient(client);
    await Promise.all([
      section(client, "vitals", "Observation", "category=vital-signs&_count=100", renderVitals),
      section(client, "medications", "MedicationRequest", "status=active", renderMedications),
      section(client, "allergies", "AllergyIntolerance", "clinical-status=active", renderAllergies),
    ]);
    showSession(client);
    document.body.dataset.state = "ready";
  } catch (error) {
    fail(`Could not load the record (${why(error)}). Sign in again from the start page.`);
  }
}

function fail(message) {
  $("app-error").textContent = message;
  $("app-error").hidden = false;
  document.body.dataset.state = "error";
}

function signOut() {
  sessionStorage.clear();
  location.assign("/");
}

$("sign-out").addEventListener("click", signOut);
FHIR.oauth2.ready()
  .then((client) => {
    if (!client.patient.id) {
      fail("The sign-in gave this app no patient to show.");
      return;
    }
    $("reload").addEventListener("click", () => load(client));
    return load(client);
  })
  .catch((error) => fail(`Sign-in did not complete: ${error.message}`));
