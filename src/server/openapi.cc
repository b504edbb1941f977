#include "server/openapi.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace cloudoptim::server {
namespace {

using Json = nlohmann::json;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Json ErrorSchema() {
  return {
      {"type", "object"},
      {"required", {"error"}},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", {"code", "status", "message"}},
          {"properties",
           {{"code", {{"type", "string"}, {"example", "invalid_argument"}}},
            {"status", {{"type", "integer"}, {"example", 400}}},
            {"message", {{"type", "string"}}},
            {"field", {{"type", "string"}, {"description", "the invalid field, if any"}}}}}}}}}};
}

Json Responses(const Route& route) {
  Json error_ref = {
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  Json responses = {{"200", {{"description", "OK"}}}};
  auto add = [&](const char* status, const char* description) {
    Json response = error_ref;
    response["description"] = description;
    responses[status] = std::move(response);
  };
  if (!route.body.empty() || !route.query.empty() || !RouteParameters(route.path).empty()) {
    add("400", "invalid input; `field` names it");
  }
  if (route.access != Access::kPublic) {
    add("401", "no API key, or not a valid one");
    add("403", "the key's role does not allow this route");
    add("429", "rate limit of the key exceeded; see Retry-After");
  }
  if (!RouteParameters(route.path).empty()) add("404", "no such object for this tenant");
  if (!route.body.empty()) add("413", "request body too large");
  return responses;
}

Json Operation(const Route& route) {
  Json op = {{"summary", route.summary},
             {"tags", {route.tag}},
             {"x-required-role", std::string(AccessName(route.access))},
             {"operationId", Lower(route.method) + route.path},
             {"responses", Responses(route)}};
  Json parameters = Json::array();
  for (const std::string& name : RouteParameters(route.path)) {
    parameters.push_back(
        {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  for (const FieldDoc& field : route.query) {
    parameters.push_back({{"name", field.name},
                          {"in", "query"},
                          {"required", field.required},
                          {"description", field.description},
                          {"schema", {{"type", field.type}}}});
  }
  if (!parameters.empty()) op["parameters"] = std::move(parameters);
  if (!route.body.empty()) {
    Json properties = Json::object();
    Json required = Json::array();
    for (const FieldDoc& field : route.body) {
      properties[field.name] = {{"type", field.type}, {"description", field.description}};
      if (field.required) required.push_back(field.name);
    }
    Json schema = {{"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty()) schema["required"] = std::move(required);
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
  }
  if (route.access == Access::kPublic) op["security"] = Json::array();
  return op;
}

}  // namespace

std::string BuildOpenApiDocument(const std::string& title, const std::string& version,
                                 const std::vector<Route>& routes) {
  Json paths = Json::object();
  for (const Route& route : routes) paths[route.path][Lower(route.method)] = Operation(route);
  Json doc = {{"openapi", "3.0.3"},
              {"info", {{"title", title}, {"version", version}}},
              {"paths", std::move(paths)},
              {"security", {{{"bearer", Json::array()}}, {{"apiKey", Json::array()}}}},
              {"components",
               {{"securitySchemes",
                 {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
                  {"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}}}},
                {"schemas", {{"Error", ErrorSchema()}}}}}};
  return doc.dump(2);
}

}  // namespace cloudoptim::server
