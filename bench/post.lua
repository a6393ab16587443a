-- wrk script: POST a create with the async header (same request for the mock and the bare app)
wrk.method = "POST"
wrk.body = '{"model":"wan2.6-t2v","input":{"prompt":"a cat playing piano"},"parameters":{"size":"1280*720","duration":5}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.headers["X-DashScope-Async"] = "enable"
