"""The served app (conference_app.wsgi) is ready before its first request."""
import json
import os
import subprocess
import sys


def test_every_template_is_compiled_before_the_first_request(tmp_path):
    """A template compiled by a request is compiled on the event loop, which every live conference waits for."""
    probe = ("import json, conference_app.wsgi as w; env = w.app.jinja_env; "
             "print(json.dumps([len(env.list_templates()), len(env.cache)]))")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/app.db", "MEDIA_ROOT": str(tmp_path / "media"),
           "SECRET_KEY": "wsgi-test-secret"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120,
                         check=True).stdout
    templates, compiled = json.loads(out.strip().splitlines()[-1])
    assert templates > 100 and compiled == templates
