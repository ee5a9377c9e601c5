// The launch page: standalone (no query) or EHR launch (?iss=...&launch=...). Either way fhirclient discovers the
// server's endpoints, makes the PKCE pair and sends the browser to the authorization endpoint.
import config from "/config.js";

const params = new URLSearchParams(location.search);
const iss = params.get("iss");
const launch = params.get("launch");
// fhirclient also reads fhirServiceUrl, clientId, patientId and encounterId from this URL (development shortcuts
// that skip or fake parts of the flow): a link to this page may carry none of them.
const unexpected = [...new Set(params.keys())].filter((name) => name !== "iss" && name !== "launch");

function refuse(message) {
  document.getElementById("launch-status").hidden = true;
  const error = document.getElementById("launch-error");
  error.textContent = message;
  error.hidden = false;
}

if (unexpected.length > 0) {
  refuse(`This launch link carries parameters the app does not accept (${unexpected.join(", ")}); it did not start.`);
} else if ((iss === null) !== (launch === null)) {
  refuse("An EHR launch needs both iss and launch; the app did not start.");
} else if (iss !== null && iss !== config.fhirBaseUrl) {
  // this app only sends its users to the one FHIR server it is registered with, so a crafted link cannot make it
  // ask them to sign in somewhere else
  refuse(`This app only connects to ${config.fhirBaseUrl}; it was asked to connect to another server, and did not.`);
} else {
  FHIR.oauth2.authorize({
    clientId: config.clientId,
    // standalone: the user picks the patient (launch/patient); EHR launch: fhirclient adds `launch` and the
    // patient comes from the EHR's launch context
    scope: launch === null ? `launch/patient ${config.scope}` : config.scope,
    redirectUri: config.redirectUri,
    iss: config.fhirBaseUrl,
    pkceMode: "required",
  }).catch((error) => refuse(`Could not start the sign-in: ${error.message}`));
}
