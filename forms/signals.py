from .publishing import freeze


def freeze_on_publish(sender, instance, revision=None, **kwargs):
    freeze(instance, user=getattr(revision, "user", None))
