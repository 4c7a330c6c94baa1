"""Partner returns: Excel workbooks out to data owners, figures back into the YAML, a chase
list. `export`, `read`, `merge`, `write_yaml` and `status` are the stages; each is a plain
function the CLI (`csp-report returns ...`) calls."""
