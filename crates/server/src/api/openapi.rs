//! `GET /openapi.json`: an OpenAPI 3.1 document generated from the route list and the JSON
//! Schemas of the core's API types.

use std::sync::Arc;

use ai_trader_core::api::{
    CancelResponse, CompareQuery, CompareResponse, CoverageResponse, ErrorResponse, HealthResponse,
    JobStatusResponse, JobsQuery, JobsResponse, ModelsResponse, PlanContextQuery, ReasoningQuery,
    ReasoningResponse, ResultsQuery, ResultsResponse, RunsQuery, RunsResponse, StatusQuery,
    TradesResponse, TriggerRequest, TriggerResponse,
};
use ai_trader_core::{Plan, PlanContext};
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::app::AppState;

/// What the document says about one route.
struct Operation {
    summary: &'static str,
    body: Option<Value>,
    query: Option<Value>,
    response: Value,
    errors: &'static [(u16, &'static str)],
}

impl Operation {
    fn new(summary: &'static str, response: Value) -> Self {
        Self {
            summary,
            body: None,
            query: None,
            response,
            errors: &[],
        }
    }

    fn body(self, body: Value) -> Self {
        Self {
            body: Some(body),
            ..self
        }
    }

    fn query(self, query: Value) -> Self {
        Self {
            query: Some(query),
            ..self
        }
    }

    fn errors(self, errors: &'static [(u16, &'static str)]) -> Self {
        Self { errors, ..self }
    }

    /// The operation object, with path parameters taken from `path`'s `{name}` segments.
    fn to_json(&self, path: &str, error: &Value) -> Value {
        let mut responses = Map::new();
        responses.insert(
            "200".into(),
            json!({"description": "OK", "content": {"application/json": {"schema": self.response}}}),
        );
        for (status, description) in self.errors {
            responses.insert(
                status.to_string(),
                json!({"description": description, "content": {"application/json": {"schema": error}}}),
            );
        }
        let mut operation = json!({"summary": self.summary, "responses": responses});
        if self.errors.iter().any(|(status, _)| *status == 401) {
            // The token is needed only when the server has one (AI_TRADER_API_TOKEN).
            operation["security"] = json!([{}, {"bearer": []}]);
        }
        let mut params: Vec<Value> = path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if let Some(Value::Array(query)) = &self.query {
            params.extend(query.iter().cloned());
        }
        if !params.is_empty() {
            operation["parameters"] = Value::Array(params);
        }
        if let Some(body) = &self.body {
            operation["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": body}}});
        }
        operation
    }
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

/// The query parameters of a query struct, from its schema's properties.
fn parameters<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    let root = generator.root_schema_for::<T>().to_value();
    let properties = root["properties"].as_object().cloned().unwrap_or_default();
    Value::Array(
        properties
            .into_iter()
            .map(|(name, schema)| json!({"name": name, "in": "query", "required": false, "schema": schema}))
            .collect(),
    )
}

const BAD: (u16, &str) = (
    400,
    "Invalid request: the detail names the field and what is allowed",
);
const SHAPE: (u16, &str) = (422, "Body or query of the wrong shape");
const MISSING: (u16, &str) = (404, "Not found");
const UNAUTHORIZED: (u16, &str) = (
    401,
    "Bearer token missing or wrong (with AI_TRADER_API_TOKEN)",
);
const UNSUPPORTED: (u16, &str) = (
    415,
    "The body is not UTF-8 JSON (Content-Type: application/json), or is compressed",
);

fn operation(method: &Method, path: &str, g: &mut SchemaGenerator) -> Option<Operation> {
    let op = match (method.as_str(), path) {
        ("POST", "/simulate/trigger") => Operation::new(
            "Plan and create a job; its details are the plan",
            schema::<TriggerResponse>(g),
        )
        .body(schema::<TriggerRequest>(g))
        .errors(&[BAD, SHAPE, UNAUTHORIZED, UNSUPPORTED]),
        ("POST", "/simulate/preview") => Operation::new(
            "Plan a job without creating it (what the browser computes)",
            schema::<Plan>(g),
        )
        .body(schema::<TriggerRequest>(g))
        .errors(&[BAD, SHAPE, UNAUTHORIZED, UNSUPPORTED]),
        ("GET", "/simulate/plan-context") => Operation::new(
            "Everything the browser planner needs for a date window",
            schema::<PlanContext>(g),
        )
        .query(parameters::<PlanContextQuery>(g))
        .errors(&[BAD, SHAPE]),
        ("GET", "/simulate/status/{job_id}") => Operation::new(
            "A job's status, progress, details and warnings (a finished job's with an ETag)",
            schema::<JobStatusResponse>(g),
        )
        .query(parameters::<StatusQuery>(g))
        .errors(&[BAD, SHAPE, MISSING]),
        ("GET", "/simulate/jobs") => {
            Operation::new("Jobs, newest first, paginated", schema::<JobsResponse>(g))
                .query(parameters::<JobsQuery>(g))
                .errors(&[BAD, SHAPE])
        }
        ("POST", "/simulate/cancel/{job_id}") => Operation::new(
            "Cancel a job: pending model-days are skipped, running ones finish",
            schema::<CancelResponse>(g),
        )
        // An empty JSON object: a cross-site form cannot send one (with the token, no body).
        .body(json!({"type": "object"}))
        .errors(&[
            MISSING,
            (400, "The job has already finished"),
            UNAUTHORIZED,
            UNSUPPORTED,
        ]),
        ("GET", "/results") => Operation::new(
            "Day-centric results (single date) or per-model ranges with metrics and a baseline",
            schema::<ResultsResponse>(g),
        )
        .query(parameters::<ResultsQuery>(g))
        .errors(&[BAD, SHAPE, MISSING]),
        ("GET", "/results/compare") => Operation::new(
            "Models compared over their runs on the same dates: each statistic's mean and 95% interval, and the baseline (CSV with format=csv or Accept: text/csv)",
            schema::<CompareResponse>(g),
        )
        .query(parameters::<CompareQuery>(g))
        .errors(&[BAD, SHAPE, MISSING]),
        ("GET", "/results/trades") => Operation::new(
            "Every trade of the filtered model-days (CSV with format=csv or Accept: text/csv)",
            schema::<TradesResponse>(g),
        )
        .query(parameters::<ResultsQuery>(g))
        .errors(&[BAD, SHAPE]),
        ("GET", "/runs") => Operation::new(
            "Every model's runs (independent portfolio chains) with their days, value and return (CSV with format=csv)",
            schema::<RunsResponse>(g),
        )
        .query(parameters::<RunsQuery>(g))
        .errors(&[BAD, SHAPE]),
        ("GET", "/reasoning") => Operation::new(
            "Trading sessions with summaries, trades and conversations",
            schema::<ReasoningResponse>(g),
        )
        .query(parameters::<ReasoningQuery>(g))
        .errors(&[BAD, SHAPE, MISSING]),
        ("GET", "/models") => Operation::new(
            "Configured models, without secrets",
            schema::<ModelsResponse>(g),
        ),
        ("GET", "/market/coverage") => Operation::new(
            "Price coverage and tradable dates",
            schema::<CoverageResponse>(g),
        ),
        ("GET", "/health") => {
            Operation::new("Service and database health", schema::<HealthResponse>(g))
        }
        ("GET", "/openapi.json") => Operation::new("This document", json!({"type": "object"})),
        _ => return None,
    };
    Some(op)
}

/// The OpenAPI document of every route of the router.
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let error = schema::<ErrorResponse>(&mut generator);
    let mut paths: Map<String, Value> = Map::new();
    for (method, path) in super::route_list() {
        let Some(op) = operation(&method, path, &mut generator) else {
            continue;
        };
        let entry = paths.entry(path.to_owned()).or_insert_with(|| json!({}));
        entry[method.as_str().to_ascii_lowercase()] = op.to_json(path, &error);
    }
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    json!({
        "openapi": "3.1.0",
        "info": {"title": "AI-Trader Simulation API", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                "description": "AI_TRADER_API_TOKEN, required on every POST when the server sets one"}}
        }
    })
}

pub(super) async fn serve(State(_): State<Arc<AppState>>) -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented_with_schemas() {
        let doc = document();
        for (method, path) in crate::api::route_list() {
            let op = &doc["paths"][path][method.as_str().to_ascii_lowercase()];
            assert!(
                op.is_object(),
                "{method} {path} missing from the OpenAPI document"
            );
            assert!(op["summary"].is_string(), "{method} {path}");
            assert!(
                op["responses"]["200"]["content"]["application/json"]["schema"].is_object(),
                "{method} {path}"
            );
        }
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for name in [
            "Plan",
            "PlanContext",
            "JobStatusResponse",
            "ResultsResponse",
            "PeriodMetrics",
            "SkipReason",
        ] {
            assert!(
                schemas.contains_key(name),
                "{name} missing: {:?}",
                schemas.keys().collect::<Vec<_>>()
            );
        }
        // Query parameters come from the query types.
        let params: Vec<&str> = doc["paths"]["/results"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            params.contains(&"start_date") && params.contains(&"reasoning"),
            "{params:?}"
        );
        assert!(
            !params.contains(&"date"),
            "the removed parameter is not offered"
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let trigger = &doc["paths"]["/simulate/trigger"]["post"];
        assert!(trigger["responses"]["415"].is_object(), "{trigger}");
        assert_eq!(trigger["security"][1]["bearer"], json!([]));
        let jobs_limit = doc["paths"]["/simulate/jobs"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap()
            .to_string();
        assert!(
            jobs_limit.contains("\"maximum\":200") && jobs_limit.contains("\"minimum\":1"),
            "{jobs_limit}"
        );
        assert_eq!(
            doc["paths"]["/simulate/status/{job_id}"]["get"]["parameters"][0]["in"],
            "path"
        );
    }
}
