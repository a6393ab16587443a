# The twin as a container: the wheel on a slim Python image (docs/ci.md). From a checkout:
#   docker build -t dashscope-mock . && docker run -p 8089:8089 dashscope-mock
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir build && python -m build --wheel --outdir /dist

FROM python:3.11-slim
COPY --from=wheel /dist/ /tmp/dist/
COPY constraints.txt /tmp/constraints.txt
RUN pip install --no-cache-dir -c /tmp/constraints.txt /tmp/dist/*.whl && rm -rf /tmp/dist /tmp/constraints.txt
EXPOSE 8089
CMD ["dashscope-mock", "serve", "--host", "0.0.0.0", "--port", "8089"]
