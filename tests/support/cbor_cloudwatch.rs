//! Smithy RPC v2 CBOR ⇄ awsJson1_0 translation for CloudWatch, as a proxy [`Transform`].
//!
//! aws-sdk-cloudwatch (1.100+) speaks `rpc-v2-cbor` (`POST /service/<Svc>/operation/<Op>`);
//! moto 5.2.5 answers that path with 404 but serves CloudWatch over awsJson1_0 (`POST /`,
//! `X-Amz-Target: GraniteServiceVersion20100801.<Op>`). [`CborCloudWatch`] rewrites each
//! rpc-v2 request to JSON and each JSON answer back to CBOR, guided by botocore's CloudWatch
//! model from moto's venv (shape types decide timestamps, blobs, doubles and integers).
//! Errors become `{"__type": "com.amazonaws.cloudwatch#<Shape>", "message"}` plus
//! `x-amzn-query-error: <Code>;Sender` (CloudWatch is `@awsQueryCompatible`: the Rust SDK
//! takes the error code from that header). Requests on other paths pass through untouched.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use ciborium::Value as Cbor;
use serde_json::{Map, Number, Value as Json};

use super::proxy::{HttpRequest, HttpResponse, Transform, header, remove_header, set_header};

const NAMESPACE: &str = "com.amazonaws.cloudwatch";

/// The CloudWatch rpc-v2-cbor ⇄ awsJson1_0 translator.
pub struct CborCloudWatch {
    model: Arc<Json>,
    python: PathBuf,
}

/// Finds botocore's CloudWatch `service-2.json` (or `.json.gz`) under a venv.
pub fn model_path(venv: &Path) -> Result<PathBuf, String> {
    let lib = venv.join("lib");
    let entries = std::fs::read_dir(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    for e in entries.flatten() {
        let dir = e
            .path()
            .join("site-packages/botocore/data/cloudwatch/2010-08-01");
        for name in ["service-2.json", "service-2.json.gz"] {
            if dir.join(name).is_file() {
                return Ok(dir.join(name));
            }
        }
    }
    Err(format!("no botocore cloudwatch model in {}", lib.display()))
}

impl CborCloudWatch {
    /// Loads the model from the venv, once per process (`.gz` is unpacked by the venv's python).
    pub fn from_venv(venv: &Path) -> Result<CborCloudWatch, String> {
        static MODEL: OnceLock<Result<Arc<Json>, String>> = OnceLock::new();
        let python = venv.join("bin").join("python");
        let model = MODEL.get_or_init(|| {
            let path = model_path(venv)?;
            let mut data = std::fs::read(&path).map_err(|e| e.to_string())?;
            if path.extension().is_some_and(|e| e == "gz") {
                data = gunzip(&python, &data)?;
            }
            Ok(Self::from_model_json(&String::from_utf8_lossy(&data))?.model)
        });
        Ok(CborCloudWatch {
            model: model.clone()?,
            python,
        })
    }

    /// Builds the translator from the model's JSON text.
    pub fn from_model_json(text: &str) -> Result<CborCloudWatch, String> {
        let model: Json = serde_json::from_str(text).map_err(|e| format!("model: {e}"))?;
        if model.get("shapes").is_none() || model.get("operations").is_none() {
            return Err("model lacks shapes/operations".into());
        }
        Ok(CborCloudWatch {
            model: Arc::new(model),
            python: PathBuf::from("python3"),
        })
    }

    fn shape(&self, name: &str) -> Option<&Json> {
        self.model["shapes"].get(name)
    }

    fn op_shape(&self, op: &str, dir: &str) -> Option<&str> {
        self.model["operations"]
            .get(op)?
            .get(dir)?
            .get("shape")?
            .as_str()
    }

    fn target_prefix(&self) -> &str {
        self.model["metadata"]["targetPrefix"]
            .as_str()
            .unwrap_or("GraniteServiceVersion20100801")
    }

    /// CBOR → JSON for a value of shape `shape` (`None`: untyped).
    pub fn to_json(&self, v: Cbor, shape: Option<&str>) -> Json {
        let def = shape.and_then(|s| self.shape(s));
        let ty = def.and_then(|d| d["type"].as_str()).unwrap_or("");
        match v {
            Cbor::Tag(_, inner) => self.to_json(*inner, shape),
            Cbor::Null => Json::Null,
            Cbor::Bool(b) => Json::Bool(b),
            Cbor::Integer(i) => match i64::try_from(i128::from(i)) {
                Ok(x) if ty != "double" => Json::from(x),
                _ => num_f64(i128::from(i) as f64),
            },
            Cbor::Float(f) => match ty {
                _ if f.is_nan() => Json::from("NaN"),
                _ if f.is_infinite() => Json::from(if f > 0.0 { "Infinity" } else { "-Infinity" }),
                _ => num_f64(f),
            },
            Cbor::Bytes(b) => Json::String(base64_encode(&b)),
            Cbor::Text(s) => Json::String(s),
            Cbor::Array(items) => {
                let member = def.and_then(|d| d["member"]["shape"].as_str());
                Json::Array(items.into_iter().map(|x| self.to_json(x, member)).collect())
            }
            Cbor::Map(pairs) => {
                let mut out = Map::new();
                for (k, val) in pairs {
                    let key = match k {
                        Cbor::Text(s) => s,
                        other => format!("{other:?}"),
                    };
                    let member = match ty {
                        "map" => def.and_then(|d| d["value"]["shape"].as_str()),
                        _ => def.and_then(|d| d["members"][&key]["shape"].as_str()),
                    };
                    if !matches!(val, Cbor::Null) || ty == "map" {
                        out.insert(key, self.to_json(val, member));
                    }
                }
                Json::Object(out)
            }
            _ => Json::Null,
        }
    }

    /// JSON → CBOR for a value of shape `shape` (`None`: untyped). Nulls in structures drop.
    pub fn to_cbor(&self, v: Json, shape: Option<&str>) -> Cbor {
        let def = shape.and_then(|s| self.shape(s));
        let ty = def.and_then(|d| d["type"].as_str()).unwrap_or("");
        match (ty, v) {
            (_, Json::Null) => Cbor::Null,
            ("timestamp", Json::Number(n)) => ts(n.as_f64().unwrap_or(0.0)),
            ("timestamp", Json::String(s)) => {
                match s.parse::<f64>().ok().or_else(|| parse_iso8601(&s)) {
                    Some(secs) => ts(secs),
                    None => Cbor::Text(s),
                }
            }
            ("blob", Json::String(s)) => {
                base64_decode(&s).map(Cbor::Bytes).unwrap_or(Cbor::Text(s))
            }
            ("double" | "float", Json::Number(n)) => Cbor::Float(n.as_f64().unwrap_or(0.0)),
            ("double" | "float", Json::String(s)) => match s.as_str() {
                "NaN" => Cbor::Float(f64::NAN),
                "Infinity" => Cbor::Float(f64::INFINITY),
                "-Infinity" => Cbor::Float(f64::NEG_INFINITY),
                _ => s.parse::<f64>().map(Cbor::Float).unwrap_or(Cbor::Text(s)),
            },
            ("integer" | "long", Json::Number(n)) => {
                Cbor::Integer((n.as_i64().unwrap_or(n.as_f64().unwrap_or(0.0) as i64)).into())
            }
            ("string", Json::Number(n)) => Cbor::Text(n.to_string()),
            (_, Json::Bool(b)) => Cbor::Bool(b),
            (_, Json::String(s)) => Cbor::Text(s),
            (_, Json::Number(n)) => match n.as_i64() {
                Some(i) => Cbor::Integer(i.into()),
                None => Cbor::Float(n.as_f64().unwrap_or(0.0)),
            },
            (_, Json::Array(items)) => {
                let member = def.and_then(|d| d["member"]["shape"].as_str());
                Cbor::Array(items.into_iter().map(|x| self.to_cbor(x, member)).collect())
            }
            (ty, Json::Object(obj)) => {
                let mut pairs = Vec::new();
                for (k, val) in obj {
                    let member = match ty {
                        "map" => def.and_then(|d| d["value"]["shape"].as_str()),
                        _ => def.and_then(|d| d["members"][&k]["shape"].as_str()),
                    };
                    if ty == "structure" && (val.is_null() || member.is_none()) {
                        continue; // unknown members would not be in the real service's answer
                    }
                    pairs.push((Cbor::Text(k), self.to_cbor(val, member)));
                }
                Cbor::Map(pairs)
            }
        }
    }

    /// The error shape for `code` (moto's sanitized `__type` or query code): the operation's
    /// own errors first, then any model shape, matched by name or `error.code`.
    fn error_shape(&self, op: &str, code: &str) -> Option<(String, String, bool)> {
        let mut names: Vec<String> = self.model["operations"][op]["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["shape"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(all) = self.model["shapes"].as_object() {
            names.extend(
                all.iter()
                    .filter(|(_, s)| s.get("exception").is_some())
                    .map(|(n, _)| n.clone()),
            );
        }
        names.into_iter().find_map(|n| {
            let err = self.shape(&n)?.get("error");
            let qcode = err
                .and_then(|e| e["code"].as_str())
                .unwrap_or(&n)
                .to_owned();
            let sender = err.and_then(|e| e["senderFault"].as_bool()).unwrap_or(true);
            (n == code || qcode == code).then_some((n, qcode, sender))
        })
    }
}

fn num_f64(f: f64) -> Json {
    Number::from_f64(f).map(Json::Number).unwrap_or(Json::Null)
}

fn ts(secs: f64) -> Cbor {
    Cbor::Tag(1, Box::new(Cbor::Float(secs)))
}

/// `(service, operation)` from `/service/<S>/operation/<Op>`.
fn rpc_path(path: &str) -> Option<(String, String)> {
    let rest = path.split('?').next()?.strip_prefix("/service/")?;
    let (svc, op) = rest.split_once("/operation/")?;
    Some((svc.to_owned(), op.trim_end_matches('/').to_owned()))
}

fn encode(v: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail for a Value.
    let _ = ciborium::into_writer(v, &mut out);
    out
}

/// Gunzips `data` with `python` (std has no inflate; this is only for gzip bodies/models).
fn gunzip(python: &Path, data: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    use std::process::Stdio;
    let script =
        "import gzip,sys;sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))";
    let mut cmd = Command::new(python);
    cmd.args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("gunzip: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(data).map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    out.status
        .success()
        .then_some(out.stdout)
        .ok_or_else(|| "gunzip failed".into())
}

impl Transform for CborCloudWatch {
    fn request(&self, mut req: HttpRequest) -> Result<HttpRequest, String> {
        let Some((svc, op)) = rpc_path(&req.path) else {
            return Ok(req);
        };
        let mut body = std::mem::take(&mut req.body);
        if header(&req.headers, "content-encoding").is_some_and(|e| e.contains("gzip")) {
            body = gunzip(&self.python, &body)?;
        }
        let value: Cbor = if body.is_empty() {
            Cbor::Map(Vec::new())
        } else {
            ciborium::from_reader(body.as_slice()).map_err(|e| format!("request CBOR: {e}"))?
        };
        let json = self.to_json(value, self.op_shape(&op, "input"));
        let prefix = if svc.is_empty() {
            self.target_prefix().to_owned()
        } else {
            svc
        };
        for h in [
            "smithy-protocol",
            "content-encoding",
            "accept",
            "x-amz-target",
        ] {
            remove_header(&mut req.headers, h);
        }
        set_header(
            &mut req.headers,
            "Content-Type",
            "application/x-amz-json-1.0",
        );
        set_header(&mut req.headers, "X-Amz-Target", &format!("{prefix}.{op}"));
        req.path = "/".into();
        req.method = "POST".into();
        req.body = json.to_string().into_bytes();
        Ok(req)
    }

    fn response(&self, req: &HttpRequest, mut resp: HttpResponse) -> HttpResponse {
        let Some((_, op)) = rpc_path(&req.path) else {
            return resp;
        };
        let json: Json = if resp.body.iter().all(u8::is_ascii_whitespace) {
            Json::Object(Map::new())
        } else {
            match serde_json::from_slice(&resp.body) {
                Ok(j) => j,
                Err(_) => return resp, // not JSON (e.g. a proxy 502): leave it as is
            }
        };
        let query_error = header(&resp.headers, "x-amzn-query-error").map(str::to_owned);
        for h in ["content-type", "x-amzn-query-error", "x-amzn-errortype"] {
            remove_header(&mut resp.headers, h);
        }
        let body = if (200..300).contains(&resp.status) {
            let v = self.to_cbor(json, self.op_shape(&op, "output"));
            if matches!(v, Cbor::Map(_)) {
                v
            } else {
                Cbor::Map(Vec::new())
            }
        } else {
            let raw = query_error
                .as_deref()
                .and_then(|q| q.split(';').next())
                .or_else(|| json["__type"].as_str())
                .unwrap_or("UnknownError");
            let code = raw.split(':').next().unwrap_or(raw);
            let code = code.rsplit('#').next().unwrap_or(code).to_owned();
            let msg = json["message"]
                .as_str()
                .or_else(|| json["Message"].as_str())
                .unwrap_or("");
            let (shape, qcode, sender) = self
                .error_shape(&op, &code)
                .unwrap_or_else(|| (code.clone(), code.clone(), resp.status < 500));
            let fault = if sender { "Sender" } else { "Receiver" };
            resp.headers
                .push(("x-amzn-query-error".into(), format!("{qcode};{fault}")));
            Cbor::Map(vec![
                (
                    Cbor::Text("__type".into()),
                    Cbor::Text(format!("{NAMESPACE}#{shape}")),
                ),
                (Cbor::Text("message".into()), Cbor::Text(msg.to_owned())),
            ])
        };
        set_header(&mut resp.headers, "smithy-protocol", "rpc-v2-cbor");
        set_header(&mut resp.headers, "Content-Type", "application/cbor");
        resp.body = encode(&body);
        resp
    }
}

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional); `None` on a bad character.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for ch in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match ch {
            b'A'..=b'Z' => ch - b'A',
            b'a'..=b'z' => ch - b'a' + 26,
            b'0'..=b'9' => ch - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Parses `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH:MM]` into epoch seconds (no offset = UTC).
pub fn parse_iso8601(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut frac = 0.0;
    if let Some(r) = rest.strip_prefix('.') {
        let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        frac = format!("0.{}", &r[..end]).parse().ok()?;
        rest = &r[end..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        o if o.len() >= 6 && (o.starts_with('+') || o.starts_with('-')) => {
            let secs = o[1..3].parse::<i64>().ok()? * 3600 + o[4..6].parse::<i64>().ok()? * 60;
            if o.starts_with('-') { -secs } else { secs }
        }
        _ => return None,
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + se - offset) as f64 + frac)
}
