//! The API keeps the contract it publishes: every route in `/api/v1/openapi.json` is called
//! on a small organised store (with ids, filters and malformed values), every answer's
//! status must be documented for that route, every documented header sent, and every JSON
//! body must validate against the documented schema.
//!
//! The validator below covers the subset of OpenAPI 3.0 that `utoipa` writes (`$ref`,
//! `type`, `nullable`, `properties`, `required`, `items`, `enum`, `allOf`, `oneOf`,
//! `minimum`/`maximum`, `format: date-time`). Objects are closed: a key the document does
//! not name is an error, so an undocumented field fails too. The `jsonschema` crate was
//! measured at 145 s of compile (96 crates) and does not read 3.0's `nullable`.

mod common;

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use common::{get, start};
use khronika_store::{ArticleOrganisation, OrganiseBatch, StoryId, StoryUpdate};
use serde_json::Value;

/// Validates `v` against `schema`, pushing one line per violation onto `errs`.
fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        return check(doc, resolve(doc, r), v, at, errs);
    }
    if v.is_null() {
        if schema["nullable"] != Value::Bool(true) {
            errs.push(format!("{at}: null where the schema is not nullable"));
        }
        return;
    }
    if let Some(parts) = schema["allOf"].as_array() {
        for p in parts {
            check_open(doc, p, v, at, errs);
        }
        closed(doc, schema, v, at, errs);
    }
    if let Some(alts) = schema["oneOf"].as_array() {
        let fits = alts
            .iter()
            .filter(|alt| {
                let mut e = Vec::new();
                check(doc, alt, v, at, &mut e);
                e.is_empty()
            })
            .count();
        if fits != 1 {
            errs.push(format!(
                "{at}: fits {fits} of the oneOf alternatives, not one"
            ));
        }
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(v) {
            errs.push(format!("{at}: {v} not in {allowed:?}"));
        }
    }
    let ok = match schema["type"].as_str() {
        None => true,
        Some("object") => v.is_object(),
        Some("array") => v.is_array(),
        Some("string") => v.is_string(),
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("number") => v.is_number(),
        Some("boolean") => v.is_boolean(),
        Some(other) => {
            errs.push(format!("{at}: the validator does not know type {other}"));
            true
        }
    };
    if !ok {
        errs.push(format!("{at}: {v} is not a {}", schema["type"]));
        return;
    }
    if let (Some(n), Some(min)) = (v.as_f64(), schema["minimum"].as_f64()) {
        if n < min {
            errs.push(format!("{at}: {n} < minimum {min}"));
        }
    }
    if let (Some(n), Some(max)) = (v.as_f64(), schema["maximum"].as_f64()) {
        if n > max {
            errs.push(format!("{at}: {n} > maximum {max}"));
        }
    }
    if schema["format"] == "date-time" {
        if let Some(s) = v.as_str() {
            if chrono::DateTime::parse_from_rfc3339(s).is_err() {
                errs.push(format!("{at}: {s:?} is not an RFC 3339 date-time"));
            }
        }
    }
    if let Some(items) = schema.get("items") {
        for (i, x) in v.as_array().into_iter().flatten().enumerate() {
            check(doc, items, x, &format!("{at}[{i}]"), errs);
        }
    }
    if schema.get("properties").is_some() && schema.get("allOf").is_none() {
        check_open(doc, schema, v, at, errs);
        closed(doc, schema, v, at, errs);
    }
}

/// Checks `v`'s documented properties and required keys, leaving undocumented keys to the
/// caller (an `allOf` part sees only its share of the keys).
fn check_open(doc: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let schema = match schema["$ref"].as_str() {
        Some(r) => resolve(doc, r),
        None => schema,
    };
    if schema.get("properties").is_none() {
        return check(doc, schema, v, at, errs);
    }
    let Some(obj) = v.as_object() else {
        errs.push(format!("{at}: {v} is not an object"));
        return;
    };
    for k in schema["required"].as_array().into_iter().flatten() {
        if let Some(k) = k.as_str() {
            if !obj.contains_key(k) {
                errs.push(format!("{at}: required {k} missing"));
            }
        }
    }
    for (k, sub) in schema["properties"].as_object().into_iter().flatten() {
        if let Some(x) = obj.get(k) {
            check(doc, sub, x, &format!("{at}.{k}"), errs);
        }
    }
}

/// Every key of object `v` must be a property of `schema` or of one of its `allOf` parts.
fn closed(doc: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let mut known = BTreeSet::new();
    property_names(doc, schema, &mut known);
    for k in v.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !known.contains(k) {
            errs.push(format!("{at}: {k} is not in the document"));
        }
    }
}

fn property_names(doc: &Value, schema: &Value, out: &mut BTreeSet<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        return property_names(doc, resolve(doc, r), out);
    }
    out.extend(
        schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone()),
    );
    for p in schema["allOf"].as_array().into_iter().flatten() {
        property_names(doc, p, out);
    }
}

fn resolve<'a>(doc: &'a Value, r: &str) -> &'a Value {
    let name = r
        .strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| panic!("unexpected $ref {r}"));
    let s = &doc["components"]["schemas"][name];
    assert!(s.is_object(), "$ref {r} names no schema");
    s
}

/// Calls `url` (relative to `/api/v1`) and checks the answer against what the document
/// says `route` answers. Returns the status and body.
async fn call(s: &common::Server, doc: &Value, route: &str, url: &str) -> (u16, Value) {
    let r = get(s.addr, &format!("/api/v1{url}"), &[]).await;
    let responses = &doc["paths"][route]["get"]["responses"];
    let documented = &responses[r.status.to_string()];
    assert!(
        documented.is_object(),
        "{url}: status {} is not documented for {route}: {}",
        r.status,
        r.body
    );
    for h in documented["headers"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(h, _)| h)
    {
        assert!(
            r.header(h).is_some(),
            "{url}: documented header {h} not sent"
        );
    }
    let body = if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    };
    let schema = &documented["content"]["application/json"]["schema"];
    if schema.is_object() {
        let mut errs = Vec::new();
        check(doc, schema, &body, "$", &mut errs);
        assert!(
            errs.is_empty(),
            "{url} ({}):\n{}",
            r.status,
            errs.join("\n")
        );
    } else {
        assert!(
            r.body.is_empty(),
            "{url}: a body the document does not describe"
        );
    }
    (r.status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_answers_as_documented() {
    let s = start(6, khronika_serve::ServeConfig::default()).await;
    // Organise: one story of three articles (one a copy) and a second merged into it, so
    // stories, copies, rubrics and the 308 of a merged id all appear in answers.
    let latest = get(s.addr, "/api/v1/articles?limit=5", &[]).await.json();
    let ids: Vec<i64> = latest["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert!(ids.len() >= 4, "{latest}");
    let id = |i: usize| khronika_store::ArticleId(ids[i]);
    let (story, merged) = (StoryId(ids[0]), StoryId(ids[3]));
    let now = Utc::now();
    let update = |sid: StoryId, n: u32| StoryUpdate {
        id: sid,
        title: "Саммит ШОС в Астане".into(),
        first_seen: now - Duration::hours(5),
        last_seen: now - Duration::hours(1),
        sources: 2,
        article_count: n,
        entities: vec!["ШОС".into(), "Астана".into()],
        rubric: Some(khronika_model::Rubric::Society),
    };
    let batch = |articles: Vec<ArticleOrganisation>, merges| OrganiseBatch {
        stories: vec![update(story, 3), update(merged, 1)],
        articles,
        merges,
    };
    let org = |i: usize, sid: StoryId, dup: Option<usize>| ArticleOrganisation {
        article: id(i),
        story: Some(sid),
        duplicate_of: dup.map(id),
        rubric: khronika_model::Rubric::Society,
    };
    s.store
        .apply_organisation(&batch(
            vec![
                org(0, story, None),
                org(1, story, Some(0)),
                org(2, story, None),
                org(3, merged, None),
            ],
            vec![],
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.store
        .apply_organisation(&batch(vec![org(3, story, None)], vec![(merged, story)]))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.app.count_view(id(0));
    s.app.flush_views().await.unwrap_or_else(|e| panic!("{e}"));
    s.app.sync_index().await.unwrap_or_else(|e| panic!("{e}"));

    let doc = get(s.addr, "/api/v1/openapi.json", &[]).await.json();
    let entity = get(s.addr, "/api/v1/entities?limit=1", &[]).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("the fixture has no entity"));
    let routes: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    assert!(routes.len() >= 11, "{routes:?}");
    let story_id = story.0.to_string();
    let mut called = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for route in &routes {
        let concrete = |x: &str| route.replace("{id}", x);
        let ok_id = match route.as_str() {
            "/articles/{id}" => ids[0].to_string(),
            "/stories/{id}" => story.0.to_string(),
            "/entities/{id}" => entity.to_string(),
            _ => String::new(),
        };
        let mut urls = vec![concrete(&ok_id)];
        if route.contains("{id}") {
            urls.push(concrete("999999"));
            urls.push(concrete("x"));
        }
        if route == "/stories/{id}" {
            urls.push(concrete(&merged.0.to_string()));
        }
        // Every documented query parameter, once with a fitting value and once malformed.
        let params = doc["paths"][route.as_str()]["get"]["parameters"].clone();
        for p in params.as_array().into_iter().flatten() {
            if p["in"] != "query" {
                continue;
            }
            let name = p["name"].as_str().unwrap_or_default();
            let good = match name {
                "limit" => "2",
                "offset" => "1",
                "window_hours" => "48",
                "source" => "1",
                "story" => story_id.as_str(),
                "rubric" => "society",
                "originals_only" | "include_copies" => "true",
                "since" | "from" => "2020-01-01",
                "until" | "to" => "2030-01-01T00:00:00Z",
                "order" => "top",
                "sort" => "date",
                "type" => "ORG",
                "q" => "саммит",
                _ => "ШОС",
            }
            .to_string();
            urls.push(format!("{}?{name}={}", concrete(&ok_id), urlenc(&good)));
            urls.push(format!("{}?{name}=%00bad", concrete(&ok_id)));
        }
        for url in urls {
            let (status, _) = call(&s, &doc, route, &url).await;
            statuses.insert(status);
        }
        called.insert(route.clone());
    }
    // The fixture reached the answers that matter, so the schemas were really exercised.
    for want in [200, 308, 400, 404] {
        assert!(
            statuses.contains(&want),
            "no answer was {want}: {statuses:?}"
        );
    }
    assert_eq!(called.len(), routes.len());
    let top = call(&s, &doc, "/stories", "/stories?order=top&since=2000-01-01")
        .await
        .1;
    assert!(top["items"][0]["importance"].is_number(), "{top}");
    let art = call(&s, &doc, "/articles/{id}", &format!("/articles/{}", ids[0]))
        .await
        .1;
    assert!(
        art["copies"].as_array().is_some_and(|c| !c.is_empty()),
        "{art}"
    );
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The validator fails what it should, so passing above means something.
#[test]
fn the_validator_rejects_what_breaks_the_contract() {
    let doc: Value = serde_json::json!({"components": {"schemas": {
        "Item": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer", "minimum": 1},
            "when": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "note": {"type": "string", "nullable": true},
            "tags": {"type": "array", "items": {"type": "string"}}}},
        "Wrapped": {"allOf": [{"$ref": "#/components/schemas/Item"},
            {"type": "object", "properties": {"extra": {"type": "boolean"}}}]}}}});
    let item = serde_json::json!({"$ref": "#/components/schemas/Item"});
    let wrapped = serde_json::json!({"$ref": "#/components/schemas/Wrapped"});
    let errors = |schema: &Value, v: Value| {
        let mut e = Vec::new();
        check(&doc, schema, &v, "$", &mut e);
        e.len()
    };
    let fine = serde_json::json!({"id": 3, "when": "2024-06-17T07:00:00+00:00", "kind": "a",
        "note": null, "tags": ["x"]});
    assert_eq!(errors(&item, fine.clone()), 0);
    let mut with_extra = fine.clone();
    with_extra["extra"] = Value::Bool(true);
    assert_eq!(errors(&wrapped, with_extra.clone()), 0);
    for bad in [
        serde_json::json!({"when": "2024-06-17T07:00:00Z"}),
        serde_json::json!({"id": "3"}),
        serde_json::json!({"id": 0}),
        serde_json::json!({"id": 3, "when": "вчера"}),
        serde_json::json!({"id": 3, "kind": "c"}),
        serde_json::json!({"id": 3, "tags": [1]}),
        serde_json::json!({"id": 3, "tags": null}),
        serde_json::json!({"id": 3, "surprise": 1}),
        serde_json::json!([]),
    ] {
        assert!(errors(&item, bad.clone()) > 0, "{bad} passed");
    }
    let mut undocumented = with_extra;
    undocumented["other"] = Value::Bool(true);
    assert!(errors(&wrapped, undocumented) > 0);
}
