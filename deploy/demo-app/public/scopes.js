// What the granted scopes (the token response's `scope`) let this app do with a resource type, for SMART v1
// (patient/Observation.read) and v2 (patient/Observation.rs, with or without a ?query filter) scopes. The server
// enforces them anyway; the app uses this only to not ask for what the user chose not to share.
const CLINICAL = /^(patient|user)\/([A-Za-z]+|\*)\.([a-z*]+)(\?.*)?$/;

/** interaction: "r" (read) or "s" (search) */
export function allows(grantedScope, type, interaction) {
  return (grantedScope || "").split(/\s+/).some((scope) => {
    const match = CLINICAL.exec(scope);
    if (!match || (match[2] !== type && match[2] !== "*")) return false;
    const permissions = match[3];
    if (permissions === "read" || permissions === "*") return true;
    return /^c?r?u?d?s?$/.test(permissions) && permissions.includes(interaction);
  });
}
