"""WSGI entry point (gunicorn: `gunicorn -c config/gunicorn.py config.wsgi`).

The system checks run here, as manage.py runs them: a worker whose settings
fail one exits instead of serving, and gunicorn stops (config/startup.py).
"""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import require_checks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
require_checks("the web server")
