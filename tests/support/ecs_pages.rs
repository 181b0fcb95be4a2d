//! A proxy [`Transform`] that pages moto's ECS `ListServices` and `ListTasks` answers the
//! way ECS does. moto 5.2.5 answers every ARN at once and ignores `maxResults` (measured:
//! 500 services, `maxResults` 100 → one answer of 500, no `nextToken`); ECS returns at most
//! `maxResults` ARNs (1–100; default 10 for `ListServices`, 100 for `ListTasks`) and a
//! `nextToken`. The request goes to moto without `maxResults`/`nextToken`; the answer is cut
//! to the page the client's `nextToken` (an offset, here) names. moto lists in creation
//! order, so the pages of one listing neither skip nor repeat an ARN.

#![allow(dead_code)]

use serde_json::Value;

use super::proxy::{HttpRequest, HttpResponse, Transform, header};

const TOKEN_PREFIX: &str = "page-from-";

/// Pages `ListServices` and `ListTasks`; every other request passes unchanged.
pub struct EcsPages;

/// The ARN list key of a paged ECS operation, and its default page size.
fn paged(req: &HttpRequest) -> Option<(&'static str, usize)> {
    match header(&req.headers, "x-amz-target")?.rsplit('.').next()? {
        "ListServices" => Some(("serviceArns", 10)),
        "ListTasks" => Some(("taskArns", 100)),
        _ => None,
    }
}

fn json(body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice(body).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

impl Transform for EcsPages {
    fn request(&self, mut req: HttpRequest) -> Result<HttpRequest, String> {
        if paged(&req).is_none() {
            return Ok(req);
        }
        let mut body = json(&req.body).ok_or("ECS request body is not a JSON object")?;
        body.remove("maxResults");
        body.remove("nextToken");
        req.body = Value::Object(body).to_string().into_bytes();
        Ok(req)
    }

    fn response(&self, req: &HttpRequest, mut resp: HttpResponse) -> HttpResponse {
        let Some((key, default_size)) = paged(req) else {
            return resp;
        };
        let (Some(asked), Some(mut answer)) = (json(&req.body), json(&resp.body)) else {
            return resp;
        };
        if resp.status != 200 {
            return resp;
        }
        let size = asked
            .get("maxResults")
            .and_then(Value::as_u64)
            .map_or(default_size, |n| n.clamp(1, 100) as usize);
        let from = asked
            .get("nextToken")
            .and_then(Value::as_str)
            .and_then(|t| t.strip_prefix(TOKEN_PREFIX))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let all = match answer.remove(key) {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        let end = (from + size).min(all.len());
        let page: Vec<Value> = all
            .get(from..end)
            .map(<[Value]>::to_vec)
            .unwrap_or_default();
        answer.insert(key.to_owned(), Value::Array(page));
        if end < all.len() {
            answer.insert(
                "nextToken".to_owned(),
                Value::String(format!("{TOKEN_PREFIX}{end}")),
            );
        }
        resp.body = Value::Object(answer).to_string().into_bytes();
        resp
    }
}
