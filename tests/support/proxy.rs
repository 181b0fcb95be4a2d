//! A blocking HTTP/1.1 fault-injecting reverse proxy for tests against moto: listens on
//! `127.0.0.1:0`, one thread per client connection (keep-alive; chunked or `Content-Length`
//! bodies), one fresh upstream connection per request, answers re-sent with `Content-Length`.
//! A [`FaultPlan`] injects failures deterministically from `(seed, n)`, `n` counting requests
//! eligible for faults; a [`Transform`] rewrites requests/responses (e.g. protocol
//! translation). Network errors close only the affected connection; the proxy keeps serving.

#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(30);
const CLIENT_IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// One kind of injected failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 500 with a garbage (non-XML/JSON) body and no error code. Not forwarded.
    ServerErrorGarbage,
    /// 400 with the protocol's `ThrottlingException` body and `x-amzn-errortype`. Not forwarded.
    Throttle,
    /// 503 with the protocol's `SlowDown` error body. Not forwarded.
    SlowDown,
    /// Forwarded upstream (the write lands), then no answer for `stall`, then close.
    Stall,
    /// Forwarded upstream (the write lands), then the connection closes without an answer.
    Reset,
    /// The connection closes without forwarding or answering.
    ResetBeforeForward,
    /// Forwarded; the answer announces the full `Content-Length` but sends half the body.
    TruncatedOk,
}

/// Which faults to inject, how often, and where.
#[derive(Clone, Debug)]
pub struct FaultPlan {
    pub seed: u64,
    /// Probability (0..=1) that an eligible request gets a fault.
    pub rate: f64,
    /// Chosen uniformly when a fault fires; empty means no faults.
    pub kinds: Vec<Fault>,
    /// How long [`Fault::Stall`] holds the connection before closing it.
    pub stall: Duration,
    /// Only requests whose operation name contains one of these are eligible.
    pub only_targets: Option<Vec<String>>,
}

impl FaultPlan {
    /// The fault (if any) for the `n`th eligible request: a pure function of `(seed, n)`.
    pub fn decide(&self, n: u64) -> Option<Fault> {
        let mut state = self.seed ^ n.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        let roll = (splitmix64(&mut state) >> 11) as f64 / (1u64 << 53) as f64;
        if self.kinds.is_empty() || roll >= self.rate {
            return None;
        }
        Some(self.kinds[(splitmix64(&mut state) % self.kinds.len() as u64) as usize])
    }

    fn eligible(&self, operation: &str) -> bool {
        let names = self.only_targets.as_deref();
        names.is_none_or(|ns| ns.iter().any(|n| operation.contains(n.as_str())))
    }
}

/// The splitmix64 step: advances `state` and returns the next 64 random bits.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Header name/value pairs in wire order (names as sent).
pub type Headers = Vec<(String, String)>;

/// A request with its body fully read (never chunked). `path` includes the query string.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// A response with its body fully read (never chunked).
#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> HttpResponse {
        let headers = vec![("Content-Type".to_owned(), content_type.to_owned())];
        let reason = String::new();
        HttpResponse {
            status,
            reason,
            headers,
            body,
        }
    }
}

/// Case-insensitive header lookup (first match).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let found = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
    found.map(|(_, v)| v.as_str())
}

/// Removes every header called `name` (case-insensitive).
pub fn remove_header(headers: &mut Headers, name: &str) {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
}

/// Replaces every header called `name` with one `name: value`.
pub fn set_header(headers: &mut Headers, name: &str, value: &str) {
    remove_header(headers, name);
    headers.push((name.to_owned(), value.to_owned()));
}

/// Rewrites requests before they go upstream and responses before they go back.
pub trait Transform: Send + Sync {
    /// `Err` answers the client 502 with the message as body, without forwarding.
    fn request(&self, req: HttpRequest) -> Result<HttpRequest, String>;
    /// `req` is the client's original (untransformed) request.
    fn response(&self, req: &HttpRequest, resp: HttpResponse) -> HttpResponse;
}

/// What the proxy saw and did for one request.
#[derive(Clone, Debug)]
pub struct RequestRecord {
    /// Arrival order over all requests.
    pub seq: u64,
    pub operation: String,
    pub method: String,
    pub path: String,
    /// The request body as sent by the client (lossy UTF-8), before any transform.
    pub body: String,
    pub fault: Option<Fault>,
    /// Status sent to the client; `None` when no status line was sent.
    pub status: Option<u16>,
}

/// The operation name: `X-Amz-Target` suffix, rpc-v2 path `/service/S/operation/Op`,
/// `Action=` form/query parameter, else `"METHOD path"` (path without query).
pub fn operation_of(req: &HttpRequest) -> String {
    if let Some(t) = header(&req.headers, "x-amz-target") {
        return t.rsplit('.').next().unwrap_or(t).to_owned();
    }
    let path = req.path.split('?').next().unwrap_or("");
    if let Some((_, op)) = path
        .split_once("/operation/")
        .filter(|_| path.starts_with("/service/"))
    {
        return op.split('/').next().unwrap_or(op).to_owned();
    }
    action(req).unwrap_or_else(|| format!("{} {path}", req.method))
}

/// The awsQuery `Action` from the form body or the query string.
fn action(req: &HttpRequest) -> Option<String> {
    let query = req.path.split_once('?').map_or("", |(_, q)| q);
    let body = std::str::from_utf8(&req.body).unwrap_or("");
    let mut pairs = body.split('&').chain(query.split('&'));
    pairs.find_map(|p| p.strip_prefix("Action=").map(|v| v.trim().to_owned()))
}

struct Shared {
    upstream: String,
    plan: Option<FaultPlan>,
    transform: Option<Arc<dyn Transform>>,
    records: Mutex<Vec<RequestRecord>>,
    eligible: AtomicU64,
    stop: AtomicBool,
    /// Added before each request is forwarded (a network round trip's worth).
    latency: Duration,
}

/// A running proxy. Dropped: stops accepting; open connections close at their next request.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`, for `endpoint_url`.
    pub url: String,
    pub port: u16,
    shared: Arc<Shared>,
}

impl Proxy {
    /// Starts a proxy to `upstream` (`http://127.0.0.1:PORT`); no faults when `plan` is `None`.
    pub fn start(upstream: &str, plan: Option<FaultPlan>) -> Proxy {
        Self::launch(upstream, plan, None)
    }

    /// Like [`Proxy::start`], with a request/response [`Transform`].
    pub fn with_transform(upstream: &str, plan: Option<FaultPlan>, t: Arc<dyn Transform>) -> Proxy {
        Self::launch(upstream, plan, Some(t))
    }

    /// Like [`Proxy::with_transform`], each request held `latency` before it is forwarded
    /// (moto answers in milliseconds; AWS is a network round trip away).
    pub fn with_latency(upstream: &str, t: Arc<dyn Transform>, latency: Duration) -> Proxy {
        Self::launch_with(upstream, None, Some(t), latency)
    }

    fn launch(upstream: &str, plan: Option<FaultPlan>, t: Option<Arc<dyn Transform>>) -> Proxy {
        Self::launch_with(upstream, plan, t, Duration::ZERO)
    }

    fn launch_with(
        upstream: &str,
        plan: Option<FaultPlan>,
        t: Option<Arc<dyn Transform>>,
        latency: Duration,
    ) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy: bind 127.0.0.1:0");
        let port = listener.local_addr().expect("proxy: local_addr").port();
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/');
        let shared = Arc::new(Shared {
            upstream: upstream.to_owned(),
            plan,
            transform: t,
            records: Mutex::new(Vec::new()),
            eligible: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            latency,
        });
        let s = shared.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stop.load(SeqCst) {
                    break;
                }
                let s = s.clone();
                conn.map(|c| std::thread::spawn(move || serve(&s, c))).ok();
            }
        });
        let url = format!("http://127.0.0.1:{port}");
        Proxy { url, port, shared }
    }

    /// Every request seen so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        let records = self.shared.records.lock();
        records.map(|r| r.clone()).unwrap_or_default()
    }

    /// How many requests for `operation` reached the proxy.
    pub fn count(&self, operation: &str) -> usize {
        let records = self.requests();
        records.iter().filter(|r| r.operation == operation).count()
    }

    /// The bodies of the requests for `operation`, in arrival order.
    pub fn bodies(&self, operation: &str) -> Vec<String> {
        let records = self.requests().into_iter();
        records
            .filter(|r| r.operation == operation)
            .map(|r| r.body)
            .collect()
    }

    /// How many faults were injected.
    pub fn faults_injected(&self) -> usize {
        self.requests().iter().filter(|r| r.fault.is_some()).count()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port)); // wakes the accept loop
    }
}

/// Serves one client connection until it closes, errs, or a fault ends it.
fn serve(s: &Shared, conn: TcpStream) -> io::Result<()> {
    conn.set_read_timeout(Some(CLIENT_IDLE_TIMEOUT))?;
    let _ = conn.set_nodelay(true);
    let mut out = conn.try_clone()?;
    let mut reader = BufReader::new(conn);
    while let Some(req) = read_request(&mut reader)? {
        if s.stop.load(SeqCst) {
            break;
        }
        let connection = header(&req.headers, "connection").unwrap_or("");
        let close = connection.eq_ignore_ascii_case("close");
        let operation = operation_of(&req);
        let plan = s.plan.as_ref().filter(|p| p.eligible(&operation));
        let fault = plan.and_then(|p| p.decide(s.eligible.fetch_add(1, SeqCst)));
        let (method, path, status) = (req.method.clone(), req.path.clone(), None);
        let body = String::from_utf8_lossy(&req.body).into_owned();
        let mut recs = s.records.lock().map_err(|_| io::Error::other("poisoned"))?;
        let (idx, seq) = (recs.len(), recs.len() as u64);
        let rec = RequestRecord {
            seq,
            operation,
            method,
            path,
            body,
            fault,
            status,
        };
        recs.push(rec);
        drop(recs);
        let set_status = |st: u16| s.records.lock().map(|mut r| r[idx].status = Some(st)).ok();
        let resp = match fault {
            Some(Fault::ResetBeforeForward) => break,
            Some(f @ (Fault::ServerErrorGarbage | Fault::Throttle | Fault::SlowDown)) => {
                fault_response(f, &req)
            }
            _ => {
                if !s.latency.is_zero() {
                    std::thread::sleep(s.latency);
                }
                forward(s, &req)
            }
        };
        match fault {
            Some(Fault::Reset) => break,
            Some(Fault::Stall) => {
                std::thread::sleep(s.plan.as_ref().map_or(Duration::ZERO, |p| p.stall));
                break;
            }
            _ => {
                // TruncatedOk: announce the full length, send half, close.
                let cut = fault == Some(Fault::TruncatedOk);
                let (start, n) = (
                    format!("HTTP/1.1 {} {}", resp.status, resp.reason),
                    resp.body.len(),
                );
                let sent = &resp.body[..if cut { n / 2 } else { n }];
                set_status(resp.status);
                write_message(&mut out, &start, &resp.headers, sent, n, close || cut)?;
                if close || cut {
                    break;
                }
            }
        }
    }
    let _ = out.shutdown(Shutdown::Both);
    Ok(())
}

/// Applies the transform and calls upstream; failures become a 502 text answer.
fn forward(s: &Shared, req: &HttpRequest) -> HttpResponse {
    let bad = |e: String| HttpResponse::new(502, "text/plain", format!("proxy: {e}").into_bytes());
    let sent = match &s.transform {
        Some(t) => match t.request(req.clone()) {
            Ok(r) => r,
            Err(e) => return bad(e),
        },
        None => req.clone(),
    };
    match (call_upstream(&s.upstream, &sent), &s.transform) {
        (Err(e), _) => bad(e.to_string()),
        (Ok(resp), Some(t)) => t.response(req, resp),
        (Ok(resp), None) => resp,
    }
}

/// The canned answer for a non-forwarding fault, shaped for the request's protocol: awsJson
/// (`X-Amz-Target`), rpc-v2-cbor (`/service/…`), awsQuery (`Action=`), else rest-json.
pub fn fault_response(f: Fault, req: &HttpRequest) -> HttpResponse {
    let (status, code, qcode, msg) = match f {
        Fault::ServerErrorGarbage => {
            let garbage = b"<<garbage \x01 not xml { not json".to_vec();
            return HttpResponse::new(500, "application/octet-stream", garbage);
        }
        Fault::SlowDown => (503, "SlowDown", "SlowDown", "Reduce your rate."),
        _ => (400, "ThrottlingException", "Throttling", "Rate exceeded"),
    };
    let json = serde_json::json!({"__type": code, "message": msg}).to_string();
    let cbor =
        req.path.starts_with("/service/") || header(&req.headers, "smithy-protocol").is_some();
    let mut resp = if cbor {
        use ciborium::Value::Text;
        let map = ciborium::Value::Map(vec![
            (Text("__type".into()), Text(code.into())),
            (Text("message".into()), Text(msg.into())),
        ]);
        let mut body = Vec::new();
        let _ = ciborium::into_writer(&map, &mut body); // writing to a Vec cannot fail
        let mut r = HttpResponse::new(status, "application/cbor", body);
        set_header(&mut r.headers, "smithy-protocol", "rpc-v2-cbor");
        r
    } else if header(&req.headers, "x-amz-target").is_some() {
        HttpResponse::new(status, "application/x-amz-json-1.1", json.into_bytes())
    } else if action(req).is_some() {
        let xml = format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{qcode}</Code><Message>{msg}</Message>\
             </Error><RequestId>proxy-fault</RequestId></ErrorResponse>"
        );
        HttpResponse::new(status, "text/xml", xml.into_bytes())
    } else {
        HttpResponse::new(status, "application/json", json.into_bytes())
    };
    set_header(&mut resp.headers, "x-amzn-ErrorType", code);
    set_header(&mut resp.headers, "x-amzn-RequestId", "proxy-fault");
    resp
}

/// Reads one message head: start line and headers; `Ok(None)` on EOF before any byte.
fn read_head<R: BufRead>(r: &mut R) -> io::Result<Option<(String, Headers)>> {
    let (mut lines, mut total) = (Vec::<String>::new(), 0);
    loop {
        let mut line = String::new();
        let n = r.read_line(&mut line)?;
        total += n;
        if n == 0 && total == 0 {
            return Ok(None);
        } else if n == 0 || total > 64 * 1024 {
            return Err(io::Error::other("eof in head, or head too large"));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if !line.is_empty() {
            lines.push(line.to_owned());
        } else if !lines.is_empty() {
            let split = lines[1..].iter().filter_map(|l| l.split_once(':'));
            let headers = split
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect();
            return Ok(Some((lines.swap_remove(0), headers)));
        } // else: a stray CRLF between keep-alive requests
    }
}

/// Reads a request; `Ok(None)` on a clean close.
fn read_request<R: BufRead>(r: &mut R) -> io::Result<Option<HttpRequest>> {
    let Some((start, headers)) = read_head(r)? else {
        return Ok(None);
    };
    let mut parts = start.split_whitespace().map(str::to_owned);
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Err(io::Error::other(format!("bad request line {start:?}")));
    };
    let body = read_body(r, &headers, false)?;
    Ok(Some(HttpRequest {
        method,
        path,
        headers,
        body,
    }))
}

/// Reads a chunked or `Content-Length` body, else (if `to_eof`) everything up to EOF.
fn read_body<R: BufRead>(r: &mut R, h: &[(String, String)], to_eof: bool) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if header(h, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        loop {
            let mut line = String::new();
            r.read_line(&mut line)?;
            let size = line.split(';').next().unwrap_or("").trim();
            let n = usize::from_str_radix(size, 16).map_err(|_| io::Error::other("chunk size"))?;
            if n == 0 {
                // Trailers, up to the blank line.
                while !line.ends_with("\n\r\n") && r.read_line(&mut line)? > 0 {}
                return Ok(body);
            }
            let start = body.len();
            body.resize(start + n, 0);
            r.read_exact(&mut body[start..])?;
            r.read_line(&mut line)?; // the CRLF after the chunk
        }
    } else if let Some(len) = header(h, "content-length") {
        let n = len
            .parse()
            .map_err(|_| io::Error::other("bad content-length"))?;
        body.resize(n, 0);
        r.read_exact(&mut body)?;
    } else if to_eof {
        r.read_to_end(&mut body)?;
    }
    Ok(body)
}

/// Writes a head with `Content-Length` (hop-by-hop headers dropped), then `body`.
fn write_message(
    w: &mut impl Write,
    start: &str,
    headers: &[(String, String)],
    body: &[u8],
    content_length: usize,
    close: bool,
) -> io::Result<()> {
    let mut head = format!("{start}\r\n");
    let hop = "content-length transfer-encoding connection keep-alive expect";
    for (k, v) in headers {
        if !hop.split(' ').any(|h| k.eq_ignore_ascii_case(h)) {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    let conn = if close { "close" } else { "keep-alive" };
    let tail = format!("Content-Length: {content_length}\r\nConnection: {conn}\r\n\r\n");
    head.push_str(&tail);
    w.write_all(head.as_bytes())?;
    w.write_all(body)?;
    w.flush()
}

/// One request on a fresh upstream connection (`Connection: close`), read fully.
fn call_upstream(hostport: &str, req: &HttpRequest) -> io::Result<HttpResponse> {
    let mut conn = TcpStream::connect(hostport)?;
    conn.set_read_timeout(Some(UPSTREAM_TIMEOUT))?;
    conn.set_write_timeout(Some(UPSTREAM_TIMEOUT))?;
    let start = format!("{} {} HTTP/1.1", req.method, req.path);
    let (h, b) = (&req.headers, &req.body);
    write_message(&mut conn, &start, h, b, b.len(), true)?;
    let mut r = BufReader::new(conn);
    loop {
        let (line, headers) =
            read_head(&mut r)?.ok_or_else(|| io::Error::other("upstream closed"))?;
        let mut parts = line.splitn(3, ' ').skip(1);
        let status: u16 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        if status < 100 {
            return Err(io::Error::other(format!("bad status line {line:?}")));
        } else if status < 200 {
            continue; // 100 Continue and friends
        }
        let no_body = req.method.eq_ignore_ascii_case("HEAD") || status == 204 || status == 304;
        let mut body = Vec::new();
        if !no_body {
            body = read_body(&mut r, &headers, true)?;
        }
        let reason = parts.next().unwrap_or("").to_owned();
        return Ok(HttpResponse {
            status,
            reason,
            headers,
            body,
        });
    }
}
