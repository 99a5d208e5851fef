// Copies GOV.UK Frontend's JavaScript into Django's static folder (no crown or GDS font is copied).
const fs = require("fs");
const path = require("path");
const src = path.join(__dirname, "..", "node_modules", "govuk-frontend", "dist", "govuk");
const dest = path.join(__dirname, "..", "src", "sendhub", "web", "static", "sendhub");
fs.mkdirSync(dest, { recursive: true });
fs.copyFileSync(path.join(src, "govuk-frontend.min.js"), path.join(dest, "govuk-frontend.min.js"));
console.log("assets copied to", dest);
