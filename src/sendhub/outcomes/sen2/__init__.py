"""The SEN2 person-level return: code lists, streaming parser, validation, minimisation, import and generator.

Pipeline (see ``importer.import_sen2``): stream the XML (``parser``) → check each person (``validate``, or for a
person with no problem the fast path in ``rows``) → minimise personal data (``minimise``, ``rows``) → store in
one transaction. ``pipeline`` runs all but the storing, in a forked parser process for big files. ``pending`` keeps
an uploaded file while an administrator confirms a return far smaller than the current one.
``parser``, ``validate``, ``minimise``, ``rows``, ``pipeline``, ``codes`` and ``generate`` import nothing from
Django.
"""
