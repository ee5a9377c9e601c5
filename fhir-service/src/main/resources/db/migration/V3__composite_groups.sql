-- Composite search parameters (Observation code-value-quantity, component-code-value-quantity, ...) match only when
-- their components come from the same repetition of the parameter's base element (the same Observation.component).
-- Their parts are stored as ordinary index rows named `<composite>$<part>` (`code-value-quantity$0` in sp_token,
-- `code-value-quantity$1` in sp_quantity), and the rows of one repetition share a group number: a composite search
-- is an index lookup per part, joined on (res_pk, grp), with the same value predicates as the part's own type.
-- Ordinary rows have no group (NULL). Resources written before this migration gain composite rows when next written.
ALTER TABLE sp_string ADD COLUMN grp integer;
ALTER TABLE sp_token ADD COLUMN grp integer;
ALTER TABLE sp_date ADD COLUMN grp integer;
ALTER TABLE sp_reference ADD COLUMN grp integer;
ALTER TABLE sp_quantity ADD COLUMN grp integer;
ALTER TABLE sp_number ADD COLUMN grp integer;
ALTER TABLE sp_uri ADD COLUMN grp integer;
