// The demo app's static server: Node's own http module, no dependencies. It serves a fixed set of files (never a
// path built from the request, so nothing outside them can be reached), the app's settings as /config.js, and
// fhirclient's prebuilt browser bundle from node_modules, with a strict Content-Security-Policy.
//
// Environment (defaults in brackets):
//   DEMO_APP_PORT [9090]                          port
//   DEMO_APP_HOST [127.0.0.1]                     address to listen on
//   DEMO_APP_PUBLIC_URL [http://localhost:PORT]   the app's origin as browsers see it; the redirect URI is
//                                                 PUBLIC_URL/callback and must be registered for the client
//   DEMO_APP_FHIR_BASE_URL [http://localhost:8080/fhir]   the FHIR base (iss) the app launches against, via the gateway
//   DEMO_APP_CLIENT_ID [demo-app]                 the app's client id
//   DEMO_APP_SCOPE [see DEFAULT_SCOPE]            the scopes asked for (standalone launch adds launch/patient,
//                                                 fhirclient adds launch to an EHR launch)
import { createServer } from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DEFAULT_SCOPE = "openid fhirUser offline_access patient/Patient.rs patient/Observation.rs "
  + "patient/MedicationRequest.rs patient/AllergyIntolerance.rs";

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const port = Number(env.DEMO_APP_PORT || 9090);
const host = env.DEMO_APP_HOST || "127.0.0.1";
const publicUrl = new URL(env.DEMO_APP_PUBLIC_URL || `http://localhost:${port}`);
const fhirBaseUrl = (env.DEMO_APP_FHIR_BASE_URL || "http://localhost:8080/fhir").replace(/\/+$/, "");

const config = Object.freeze({
  fhirBaseUrl,
  clientId: env.DEMO_APP_CLIENT_ID || "demo-app",
  scope: (env.DEMO_APP_SCOPE || DEFAULT_SCOPE).trim().split(/\s+/).join(" "),
  redirectUri: `${publicUrl.origin}/callback`,
});

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

// Scripts only from here, data only from the FHIR server's origin (discovery, token and FHIR calls all go through
// the gateway), nothing framed, no plugins; the callback URL carries the code, so no Referer leaves the page.
const SECURITY_HEADERS = {
  "Content-Security-Policy": [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
    `connect-src ${new URL(fhirBaseUrl).origin}`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join("; "),
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cache-Control": "no-store",
};

function file(path, type) {
  return { body: readFileSync(path), type };
}

// Every answer is read once at start: the set of URLs is fixed.
const routes = new Map();
const publicDir = join(here, "public");
for (const name of readdirSync(publicDir)) {
  const extension = name.slice(name.lastIndexOf("."));
  if (TYPES[extension]) routes.set(`/${name}`, file(join(publicDir, name), TYPES[extension]));
}
routes.set("/", routes.get("/index.html"));
routes.set("/launch", routes.get("/launch.html"));
routes.set("/callback", routes.get("/callback.html"));
routes.set("/config.js", { body: Buffer.from(`export default Object.freeze(${JSON.stringify(config)});\n`), type: TYPES[".js"] });
routes.set("/vendor/fhir-client.js",
  file(join(here, "node_modules/fhirclient/build/fhir-client.pure.min.js"), TYPES[".js"]));

function answer(response, status, headers, body) {
  response.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  response.end(body);
}

const server = createServer((request, response) => {
  const path = request.url.split("?")[0];
  let status;
  if (request.method !== "GET" && request.method !== "HEAD") {
    status = 405;
    answer(response, status, { Allow: "GET, HEAD", "Content-Type": "text/plain" }, "method not allowed\n");
  } else if (!routes.has(path)) {
    status = 404;
    answer(response, status, { "Content-Type": "text/plain" }, "not found\n");
  } else if (request.headers.host !== publicUrl.host) {
    // sessionStorage is per origin: a launch begun on 127.0.0.1 would lose its state on the localhost callback
    status = 308;
    answer(response, status, { Location: publicUrl.origin + request.url }, "");
  } else {
    status = 200;
    const { body, type } = routes.get(path);
    answer(response, status, { "Content-Type": type, "Content-Length": body.length },
      request.method === "HEAD" ? undefined : body);
  }
  // the path only: the callback's query string holds the authorization code
  console.log(`${new Date().toISOString()} ${request.method} ${path} ${status}`);
});

server.listen(port, host, () => {
  console.log(`demo app on ${publicUrl.origin} (listening on ${host}:${port}); FHIR base ${config.fhirBaseUrl}, `
    + `client ${config.clientId}, redirect URI ${config.redirectUri}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
