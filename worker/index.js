// A minimal Worker: GET /health answers {status, db, version} after a real D1 query.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      return health(env);
    }
    if (url.pathname === "/") {
      return json({ service: "ledger-api", health: "/health" });
    }
    return json({ error: "not found" }, 404);
  },
};

async function health(env) {
  const version = env.APP_VERSION || "unknown";
  try {
    // A real round trip to D1: counts applied migrations' tables via the schema.
    const row = await env.DB.prepare(
      "SELECT COUNT(*) AS accounts FROM accounts",
    ).first();
    return json({ status: "ok", db: "ok", version, accounts: row.accounts });
  } catch (err) {
    return json({ status: "degraded", db: "error", version, error: String(err.message || err) }, 503);
  }
}

function json(body, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}
