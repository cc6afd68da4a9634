# The two commands in README.md. Each does its own set-up (tools/setup.sh), idempotently.
.PHONY: lab test setup

lab:  ## the main job: site.yml on the lab (fake tenant + simulated Windows hosts)
	@tools/lab.sh

test:  ## the whole suite: lint, sanity, galaxy-importer, EE, units and lab integration on oldest and newest
	@tools/test.sh

setup:
	@tools/setup.sh all
