// The API docs page: Swagger UI over the server's own OpenAPI document (the contract its router validates against),
// so the page cannot drift from what the server does. A classic script, as the bundle is; no inline script (CSP).
(function () {
  'use strict';

  /** The web UI's access token while it is valid (see js/session.js), so "Try it out" works when signed in. */
  function uiToken() {
    try {
      const session = JSON.parse(localStorage.getItem('taskflow.session'));
      return session && session.token && Date.parse(session.expiresAt) > Date.now() ? session.token : null;
    } catch (e) {
      return null;
    }
  }

  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    requestInterceptor: request => {
      // the contract's server is the laptop default (http://localhost:8080/api/v1): Try it out calls this server,
      // wherever it runs
      const url = new URL(request.url, location.href);
      if (url.pathname.startsWith('/api/v1/')) {
        request.url = location.origin + url.pathname + url.search;
      }
      // a token typed into Authorize wins; else the signed-in UI's own
      const token = uiToken();
      if (token && !request.headers.Authorization && !String(request.url).endsWith('/openapi.yaml')) {
        request.headers.Authorization = 'Bearer ' + token;
      }
      return request;
    },
  });
})();
