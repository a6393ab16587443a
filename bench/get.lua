-- wrk script: GET a task with a key
wrk.headers["Authorization"] = "Bearer sk-bench"
