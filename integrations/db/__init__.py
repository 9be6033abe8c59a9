"""SQLAlchemy persistence of the core ports: tables, repositories, unit of work, engine, migrations."""
