/*
 * certm3-api: GET /api/openapi.json.
 *
 * The document is the hand-written JSON file api/openapi.json, embedded
 * into the program at build time (api/embed.cmake): the schemas and prose
 * are data, best reviewed and linted as the document they are, and an
 * embedded copy cannot go missing from an installation. That every route
 * of api_routes is documented, and nothing else, is checked by
 * test/integration/test_openapi.py against `certm3-api --routes`.
 */
#include "api.h"

/*
 * GET /api/openapi.json: 200 the OpenAPI 3.0 document; 401/403.
 */
int
api_openapi(struct http_req *req)
{

	return http_send(req, 200, "application/json", api_openapi_json,
	    api_openapi_json_len);
}
