.PHONY: test lint format bench demo

test:
	pip install -e '.[test]' -e examples/scpo && python -m pytest

lint:
	ruff check . && ruff format --check . && mypy  # mypy: every package, as pyproject lists

format:
	ruff format . && ruff check --fix .

bench:
	python -m benchmarks

demo:
	socbot chat --demo
