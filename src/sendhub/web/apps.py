from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sendhub.web"
    label = "web"
    verbose_name = "Layout and shared pages"

    def ready(self) -> None:
        from sendhub.web import checks  # noqa: F401 - registers the deployment checks
        from sendhub.web.uploads import prepare_upload_temp_dir

        # Every process that can receive an upload starts here (each gunicorn worker, runserver, the commands), so
        # leftovers of a killed upload are removed at the next start, whichever way the server is run.
        prepare_upload_temp_dir()
